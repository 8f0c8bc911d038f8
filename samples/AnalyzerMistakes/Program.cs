using AnalyzerMistakes;
using TypedKafka;

// Every offset policy written the way the analyzers accept it: this file builds without a diagnostic.
// Values read at run time (args, configuration) are never judged at compile time.
var runTimeTopic = args.Length > 1 ? args[1] : "audit";
SourceTopic[] topics =
[
    SourceTopic.FromEarliest("page-views"),
    SourceTopic.FromLatest(runTimeTopic),
    SourceTopic.FromRelativeTime("metrics", TimeSpan.FromHours(1)),
    SourceTopic.FromAbsoluteTime("trades", 1_767_225_600_000),
    SourceTopic.FromAbsoluteTime("fills", DateTimeOffset.FromUnixTimeSeconds(1_767_225_600)),
    SourceTopic.FromStartOfDay("orders", new TimeOnly(8, 0), "Europe/London"),
    SourceTopic.FromCommitted("events", new OffsetPolicy.RelativeTime(TimeSpan.FromDays(7))),
];

foreach (var topic in topics)
{
    Console.WriteLine($"{topic.Name}: {topic.Policy}");
}

// With a bootstrap address, read one batch: `dotnet run --project samples/AnalyzerMistakes -- localhost:9092`.
if (args.Length > 0)
{
    using var manager = new ConsumerManager(
        new Dictionary<string, string> { ["bootstrap.servers"] = args[0] },
        topics,
        cutoffMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        batchSize: 1_000);
    using var batch = manager.Poll(TimeSpan.FromSeconds(5));
    Console.WriteLine($"{batch.Length} messages, live: {manager.IsLive}");

    using var trades = new TypedConsumer<Trade>(
        new Dictionary<string, string> { ["bootstrap.servers"] = args[0] },
        [SourceTopic.FromRelativeTime("trades", TimeSpan.FromMinutes(30))],
        maxHeldMessages: 100_000);
    using var typed = trades.Poll(TimeSpan.FromSeconds(5));
    Console.WriteLine($"{typed.RecordBatch.Length} trades");
}
