using System.Text.Json;
using TypedKafka;
using TypedKafka.Testing;

namespace MicroBatchToDuckDb;

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
public partial record PageView(string Page, string UserId, int DurationMs);

/// <summary>
/// Six minutes of page views on four partitions, the same on every run (fixed seed, fixed
/// start): each partition has its own rate and starts and ends at its own offset from the
/// minute, so the windows mix partitions at different points of their streams.
/// </summary>
internal static class PageViews
{
    public const int Partitions = 4;

    /// <summary>2026-01-01T09:00:00Z.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Pages = ["/", "/pricing", "/docs", "/docs/windows", "/blog", "/signup", "/login", "/checkout"];
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static List<LocalMessage> Generate()
    {
        var messages = new List<LocalMessage>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            var random = new Random(20260101 + partition);
            var meanGapMs = 120 + (partition * 90);
            var time = Start.ToUnixTimeMilliseconds() + (partition * 17_300);
            var end = time + 330_000;
            while (time < end)
            {
                var view = new PageView(Pages[random.Next(Pages.Length)], $"u-{random.Next(1, 1001):D4}", random.Next(200, 30_000));
                messages.Add(LocalMessage.FromStrings(partition, time, view.UserId, JsonSerializer.Serialize(view, Json)));
                time += random.Next(1, 2 * meanGapMs);
            }
        }

        return messages;
    }
}
