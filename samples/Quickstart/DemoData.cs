using System.Text;
using TypedKafka.Testing;

/// <summary>A topic of the demo data set, with the messages to produce to it.</summary>
internal sealed record DemoTopic(string Name, int Partitions, IReadOnlyList<LocalMessage> Messages);

/// <summary>
/// An e-shop's event streams: orders, payments a little after them, shipments later still.
/// Every partition has its own rate and phase, so no single partition's order is the global one.
/// </summary>
internal static class DemoData
{
    public static List<DemoTopic> History(long fromMs, long toMs)
    {
        var random = new Random(2026);
        var orders = new List<LocalMessage>();
        var payments = new List<LocalMessage>();
        var shipments = new List<LocalMessage>();
        var orderId = 0;
        for (var partition = 0; partition < 4; partition++)
        {
            // 4 order partitions at 2 to 5 seconds between orders, each starting at its own phase.
            var at = fromMs + random.Next(0, 5_000);
            var gapMs = 2_000 + (partition * 1_000);
            for (; at < toMs; at += gapMs + random.Next(-500, 500))
            {
                var id = $"o-{orderId++:D6}";
                orders.Add(Message(partition, at, id, $"{{\"order\":\"{id}\",\"amount\":{random.Next(5, 500)}.{random.Next(0, 99):D2}}}"));
                var paidAt = at + random.Next(2_000, 90_000);
                if (paidAt < toMs)
                {
                    payments.Add(Message(Math.Abs(id.GetHashCode(StringComparison.Ordinal)) % 3, paidAt, id, $"{{\"order\":\"{id}\",\"method\":\"card\"}}"));
                }

                var shippedAt = paidAt + random.Next(600_000, 3_600_000);
                if (shippedAt < toMs && random.Next(3) == 0)
                {
                    shipments.Add(Message(random.Next(2), shippedAt, id, $"{{\"order\":\"{id}\",\"carrier\":\"post\"}}"));
                }
            }
        }

        // A producer writes each partition in time order.
        return
        [
            new("orders", 4, [.. orders.OrderBy(m => m.TimestampMs)]),
            new("payments", 3, [.. payments.OrderBy(m => m.TimestampMs)]),
            new("shipments", 2, [.. shipments.OrderBy(m => m.TimestampMs)]),
        ];
    }

    public static List<LocalMessage> Live(string topic, long nowMs) =>
        [.. Enumerable.Range(0, 5).Select(i => Message(i % 4, nowMs + i, $"live-{i}", $"{{\"order\":\"live-{i}\",\"topic\":\"{topic}\"}}"))];

    private static LocalMessage Message(int partition, long timestampMs, string key, string json) =>
        new(partition, timestampMs, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(json));
}
