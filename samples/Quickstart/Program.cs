// Quickstart: replay three topics in timestamp order across all their partitions, then go live.
//   dotnet run --project samples/Quickstart                                  (an embedded cluster)
//   dotnet run --project samples/Quickstart -- --bootstrap-servers HOST:PORT (your cluster)
using System.CommandLine;
using Apache.Arrow;
using Spectre.Console;
using TypedKafka;
using TypedKafka.Testing;

var bootstrapOption = new Option<string?>("--bootstrap-servers") { Description = "Use this Kafka cluster instead of an embedded one." };
var root = new RootCommand("TypedKafka quickstart: ordered replay of several topics, then live.") { bootstrapOption };
root.SetAction(parse => Run(parse.GetValue(bootstrapOption)));
return root.Parse(args).Invoke();

static int Run(string? bootstrapServers)
{
    using var cluster = bootstrapServers is null ? new LocalKafkaCluster(brokers: 3) : null;
    var target = cluster is null ? DemoCluster.Remote(bootstrapServers!) : DemoCluster.Embedded(cluster);
    AnsiConsole.MarkupLine($"Cluster: [bold]{Markup.Escape(target.BootstrapServers)}[/] ({(cluster is null ? "yours" : "embedded, 3 brokers")})");

    // Two hours of history: orders, payments that follow them, shipments that follow those,
    // each partition at its own pace and phase.
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var data = DemoData.History(now - (2 * 60 * 60 * 1000), now);
    foreach (var topic in data)
    {
        target.CreateTopic(topic.Name, topic.Partitions);
        target.Produce(topic.Name, topic.Messages);
        AnsiConsole.MarkupLine($"Produced {topic.Messages.Count,6:N0} messages to [bold]{Markup.Escape(target.TopicName(topic.Name))}[/] ({topic.Partitions} partitions)");
    }

    using var manager = new ConsumerManager(
        new Dictionary<string, string> { ["bootstrap.servers"] = target.BootstrapServers },
        [.. data.Select(t => SourceTopic.FromEarliest(target.TopicName(t.Name)))],
        batchSize: 2_000);

    AnsiConsole.WriteLine();
    AnsiConsole.MarkupLine("[bold]Replay[/] (timestamps in UTC)");
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long previous = long.MinValue, rows = 0;
    var batches = 0;
    var ordered = true;
    while (!manager.IsLive)
    {
        using RecordBatch batch = manager.Poll(timeoutMs: 1000);
        if (batch.Length == 0)
        {
            continue;
        }

        var timestamps = ((TimestampArray)batch.Column("timestamp")).Values;
        foreach (var timestamp in timestamps)
        {
            ordered &= timestamp >= previous;
            previous = timestamp;
        }

        rows += batch.Length;
        batches++;
        AnsiConsole.MarkupLine($"  batch {batches,3}: {batch.Length,5:N0} rows  {Time(timestamps[0])} → {Time(timestamps[^1])}  held {manager.HeldMessageCount,5:N0}  paused {manager.PausedPartitionCount}");
    }

    AnsiConsole.MarkupLine($"[green]Live[/] after {batches} batches, {rows:N0} messages in {clock.Elapsed.TotalSeconds:0.0} s; timestamp order across all partitions: {(ordered ? "[green]kept[/]" : "[red]broken[/]")}");
    AnsiConsole.WriteLine();
    AnsiConsole.Write(PartitionStateTable(manager));

    // Live: new messages go out as they arrive.
    var live = DemoData.Live(data[0].Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    target.Produce(data[0].Name, live);
    var seen = 0;
    for (var attempt = 0; attempt < 20 && seen < live.Count; attempt++)
    {
        using var batch = manager.Poll(timeoutMs: 500);
        seen += batch.Length;
    }

    AnsiConsole.MarkupLine($"Live messages produced after the replay: {live.Count}, received: {seen}");
    return ordered && seen == live.Count ? 0 : 1;
}

static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

static Spectre.Console.Table PartitionStateTable(ConsumerManager manager)
{
    using var state = manager.PartitionState();
    var table = new Spectre.Console.Table().Title("Partition state").Border(TableBorder.Simple);
    string[] columns = ["topic", "partition", "replay_start_offset", "replay_end_offset", "consumed_offset", "released_offset", "last_consumed_timestamp", "is_live", "is_paused"];
    string[] headers = ["topic", "p", "start", "end", "consumed", "released", "last message", "live", "paused"];
    foreach (var header in headers)
    {
        table.AddColumn(new TableColumn(header).NoWrap());
    }

    for (var row = 0; row < state.Length; row++)
    {
        table.AddRow([.. columns.Select(column => Markup.Escape(Cell(state.Column(column), row)))]);
    }

    return table;
}

static string Cell(IArrowArray column, int row) => column switch
{
    StringArray strings => strings.GetString(row),
    Int32Array ints => $"{ints.GetValue(row)}",
    Int64Array longs => $"{longs.GetValue(row)}",
    BooleanArray bools => bools.GetValue(row) == true ? "yes" : "no",
    TimestampArray times => times.GetTimestamp(row) is { } t ? t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "-",
    _ => "?",
};
