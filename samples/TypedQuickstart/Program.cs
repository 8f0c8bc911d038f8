// Typed quickstart: annotate a record, read it in timestamp order as typed Arrow batches.
//   dotnet run --project samples/TypedQuickstart
using System.Globalization;
using System.Text;
using TypedKafka;
using TypedKafka.Testing;
using TypedQuickstart;

using var cluster = new LocalKafkaCluster();
cluster.CreateTopic("trades", partitions: 3);

// Three partitions, each a venue writing at its own pace; one message is not a trade at all.
var start = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
var messages = new List<LocalMessage>();
string[] symbols = ["AAPL", "MSFT", "NVDA", "ASML"];
for (var i = 0; i < 30; i++)
{
    var partition = i % 3;
    var at = start + (i * 7_000) + (partition * 2_500);
    var trade = $$"""{"symbol":"{{symbols[i % 4]}}","price":{{(100 + (i * 1.25)).ToString(CultureInfo.InvariantCulture)}},"quantity":{{10 * (i + 1)}},"tradeTime":"{{DateTimeOffset.FromUnixTimeMilliseconds(at):O}}","venue":{{(partition == 2 ? "null" : $"\"XNAS-{partition}\"")}}}""";
    messages.Add(new LocalMessage(partition, at, Encoding.UTF8.GetBytes(symbols[i % 4]), Encoding.UTF8.GetBytes(i == 17 ? "{\"symbol\":\"AAPL\",\"price\":\"oops\"}" : trade)));
}

cluster.Produce("trades", messages);

using var trades = new TypedConsumer<Trade>(
    new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
    [SourceTopic.FromEarliest("trades")]);

Console.WriteLine($"Schema: {string.Join(", ", trades.Schema.FieldsList.Select(f => $"{f.Name}:{f.DataType.Name}"))}");
while (!trades.IsLive)
{
    using TypedBatch<Trade> batch = trades.Poll(timeoutMs: 1000);
    foreach (var record in batch.Records)
    {
        var t = record.Value;
        Console.WriteLine($"{record.Timestamp:HH:mm:ss.fff}  p{record.Partition} @{record.Offset,-3} {t.Symbol,-5} {t.Quantity,5} x {t.Price,7:0.00}  {t.Venue ?? "(no venue)"}");
    }

    foreach (var error in batch.Errors)
    {
        Console.WriteLine($"bad payload at {error.Topic}[{error.Partition}]@{error.Offset}: {error.Reason}");
    }
}

Console.WriteLine($"Live. Bad payloads kept aside: {trades.BadPayloadCount}");
