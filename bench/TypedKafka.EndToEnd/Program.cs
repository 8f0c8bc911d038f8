// End-to-end benchmark: the same data, on a cluster in another process (`typedkafka local`), read by
//   (a) a plain Confluent.Kafka Consume() loop with byte[] keys and values, and
//   (b) ConsumerManager, into ordered Arrow batches,
// alternating in one run. Reports this process's CPU time (user + sys) per message, which measures
// the consumer; wall-clock rate on the embedded brokers measures the brokers (see DESIGN.md).
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using TypedKafka;
using TypedKafka.EndToEnd;

var messagesOption = new Option<int>("--messages") { Description = "Messages to produce, spread over 8 partitions.", DefaultValueFactory = _ => 200_000 };
var roundsOption = new Option<int>("--rounds") { Description = "Measured runs of each reader, alternating, after three unmeasured warm-up runs of each.", DefaultValueFactory = _ => 9 };
var topicOption = new Option<string?>("--topic") { Description = "With --bootstrap-servers: an existing empty topic of 8 partitions to write to, instead of creating one." };
var onlyOption = new Option<string?>("--only") { Description = "Run only this reader (plain or ordered), e.g. under a profiler." };
var bootstrapOption = new Option<string?>("--bootstrap-servers") { Description = "Use this cluster instead of starting `typedkafka local` (e.g. a real one)." };
var headersOption = new Option<int>("--headers") { Description = "Headers per message; with 1 or more, a third reader, ConsumerManager with IncludeHeaders, is measured too.", DefaultValueFactory = _ => 0 };
var root = new RootCommand("End-to-end CPU per message: plain Confluent.Kafka loop vs ConsumerManager.") { messagesOption, roundsOption, bootstrapOption, topicOption, onlyOption, headersOption };
root.SetAction(parse => Run(parse.GetValue(messagesOption), parse.GetValue(roundsOption), parse.GetValue(bootstrapOption), parse.GetValue(topicOption), parse.GetValue(onlyOption), parse.GetValue(headersOption)));
return root.Parse(args).Invoke();

static int Run(int messages, int rounds, string? bootstrapServers, string? existingTopic, string? only, int headers)
{
    using var cluster = bootstrapServers is null ? ClusterProcess.Start(brokers: 1, "bench", partitions: Data.Partitions) : null;
    var bootstrap = bootstrapServers ?? cluster!.BootstrapServers;
    var topic = cluster is null ? existingTopic ?? $"bench-{Guid.NewGuid():N}" : "bench";
    Console.WriteLine($"cluster: {bootstrap} ({(cluster is null ? "given" : "typedkafka local, pid " + cluster.ProcessId)})");
    var produced = Data.Produce(bootstrap, topic, messages, createTopic: cluster is null && existingTopic is null, headers);
    Console.WriteLine($"produced {produced:N0} messages ({Data.ValueBytes}-byte values) to {topic}[0..{Data.Partitions - 1}]");

    var runPlain = only is null or "plain";
    var runOrdered = only is null or "ordered";
    Console.WriteLine("warm-up (not measured):");
    var results = new List<Measurement>();
    const int warmUps = 3;
    for (var round = -warmUps; round < rounds; round++)
    {
        var plainRun = runPlain ? Measure("plain Consume() loop, byte[]", () => Readers.PlainLoop(bootstrap, topic, produced)) : null;
        var orderedRun = runOrdered ? Measure("ConsumerManager, ordered Arrow", () => Readers.Ordered(bootstrap, topic, produced)) : null;
        var headersRun = runOrdered && headers > 0 ? Measure("ConsumerManager + IncludeHeaders", () => Readers.Ordered(bootstrap, topic, produced, includeHeaders: true)) : null;
        if (round >= 0)
        {
            results.AddRange(new[] { plainRun, orderedRun, headersRun }.OfType<Measurement>());
        }
    }

    if (!runPlain || !runOrdered)
    {
        return 0;
    }

    Console.WriteLine();
    Console.WriteLine("| reader | run | messages | CPU (user+sys) | of which user | CPU per message | wall | messages/s |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var group in results.GroupBy(r => r.Reader))
    {
        var run = 0;
        foreach (var r in group)
        {
            Console.WriteLine(Invariant($"| {r.Reader} | {++run} | {r.Messages:N0} | {r.Cpu.TotalMilliseconds:N0} ms | {r.User.TotalMilliseconds:N0} ms | {r.CpuPerMessage:0.00} µs | {r.Wall.TotalSeconds:0.00} s | {r.Messages / r.Wall.TotalSeconds:N0} |"));
        }
    }

    var plainRuns = results.Where(r => r.Reader.StartsWith("plain", StringComparison.Ordinal)).ToList();
    var orderedRuns = results.Where(r => r.Reader.StartsWith("ConsumerManager, ordered", StringComparison.Ordinal)).ToList();
    var headerRuns = results.Where(r => r.Reader.EndsWith("IncludeHeaders", StringComparison.Ordinal)).ToList();
    foreach (var (label, figure) in new (string, Func<Measurement, double>)[] { ("CPU per message", r => r.CpuPerMessage), ("user CPU per message", r => r.UserPerMessage) })
    {
        var plain = Median(plainRuns, figure);
        var ordered = Median(orderedRuns, figure);
        Console.WriteLine(Invariant($"median {label}: plain {plain:0.00} µs, ordered {ordered:0.00} µs; ratio ordered/plain = {ordered / plain:0.00}"));
        if (headerRuns.Count > 0)
        {
            var withHeaders = Median(headerRuns, figure);
            Console.WriteLine(Invariant($"median {label} with {headers} headers per message: IncludeHeaders {withHeaders:0.00} µs; ratio IncludeHeaders/ordered = {withHeaders / ordered:0.00}"));
        }
    }

    return 0;
}

static Measurement Measure(string reader, Func<long> read)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var self = Process.GetCurrentProcess();
    self.Refresh();
    var cpuBefore = self.TotalProcessorTime;
    var userBefore = self.UserProcessorTime;
    var wall = Stopwatch.StartNew();
    var count = read();
    wall.Stop();
    self.Refresh();
    var measurement = new Measurement(reader, count, self.TotalProcessorTime - cpuBefore, self.UserProcessorTime - userBefore, wall.Elapsed);
    Console.WriteLine(Invariant($"{reader}: {count:N0} messages, CPU {measurement.Cpu.TotalMilliseconds:N0} ms (user {measurement.User.TotalMilliseconds:N0} ms), {measurement.CpuPerMessage:0.00} µs/message, wall {wall.Elapsed.TotalSeconds:0.00} s"));
    return measurement;
}

static double Median(IEnumerable<Measurement> runs, Func<Measurement, double> figure)
{
    var values = runs.Select(figure).Order().ToList();
    return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

internal sealed record Measurement(string Reader, long Messages, TimeSpan Cpu, TimeSpan User, TimeSpan Wall)
{
    public double CpuPerMessage => Cpu.TotalMicroseconds / Messages;

    public double UserPerMessage => User.TotalMicroseconds / Messages;
}
