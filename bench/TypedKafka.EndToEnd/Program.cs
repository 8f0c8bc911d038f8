// End-to-end benchmark: the same data, on a cluster in another process (`typedkafka local`), read by
//   (a) a plain Confluent.Kafka Consume() loop with byte[] keys and values,
//   (b) ConsumerManager, into ordered Arrow batches, and
//   (c) kcat (C, the same librdkafka), `kcat -C -e -q`,
// alternating in one run, over data from this harness's producer and over data kcat produced.
// Reports each reader's CPU time (user + sys) per message and its wall time: CPU measures the
// consumer; wall time says how long a replay takes from the same brokers.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TypedKafka.EndToEnd;

var messagesOption = new Option<int>("--messages") { Description = "Messages to produce, spread over 8 partitions.", DefaultValueFactory = _ => 200_000 };
var roundsOption = new Option<int>("--rounds") { Description = "Measured runs of each reader, alternating, after three unmeasured warm-up runs of each.", DefaultValueFactory = _ => 9 };
var topicOption = new Option<string?>("--topic") { Description = "With --bootstrap-servers: an existing empty topic of 8 partitions to write to, instead of creating one." };
var onlyOption = new Option<string?>("--only") { Description = "Run only this reader (plain, ordered or kcat), e.g. under a profiler." };
var bootstrapOption = new Option<string?>("--bootstrap-servers") { Description = "Use this cluster instead of starting `typedkafka local` (e.g. a real one)." };
var headersOption = new Option<int>("--headers") { Description = "Headers per message; with 1 or more, a fourth reader, ConsumerManager with IncludeHeaders, is measured too.", DefaultValueFactory = _ => 0 };
var dataOption = new Option<string>("--data") { Description = "Which data to read: harness (this program's producer), kcat (kcat -P), or both.", DefaultValueFactory = _ => "both" };
var setOption = new Option<string[]>("--set") { Description = "KEY=VALUE librdkafka setting for ConsumerManager (repeatable).", AllowMultipleArgumentsPerToken = false };
var plainSetOption = new Option<string[]>("--plain-set") { Description = "KEY=VALUE librdkafka setting for the plain loop (repeatable).", AllowMultipleArgumentsPerToken = false };
var kcatSetOption = new Option<string[]>("--kcat-set") { Description = "KEY=VALUE librdkafka setting for kcat, as -X (repeatable).", AllowMultipleArgumentsPerToken = false };
var memoryOption = new Option<bool>("--memory") { Description = "Instead: peak RSS of a replay of 500 partitions of 1 KB values under 100x skew, plain loop against ConsumerManager, each run in a child process." };
var rssReaderOption = new Option<string?>("--rss-reader") { Description = "(Internal) run one reader of --memory in this process and print messages, wall ms and peak RSS kB." };
var root = new RootCommand("End-to-end CPU per message and wall time: plain Confluent.Kafka loop, ConsumerManager and kcat.")
{
    messagesOption, roundsOption, bootstrapOption, topicOption, onlyOption, headersOption, dataOption, setOption, plainSetOption, kcatSetOption, memoryOption, rssReaderOption,
};
root.SetAction(parse => parse.GetValue(rssReaderOption) is { } rssReader
    ? MemoryBench.RunReader(rssReader, parse.GetValue(bootstrapOption)!, parse.GetValue(topicOption)!)
    : parse.GetValue(memoryOption) ? MeasureMemory(parse.GetValue(roundsOption)) : Run(new Settings(
    parse.GetValue(messagesOption), parse.GetValue(roundsOption), parse.GetValue(bootstrapOption), parse.GetValue(topicOption), parse.GetValue(onlyOption),
    parse.GetValue(headersOption), parse.GetValue(dataOption)!, parse.GetValue(setOption) ?? [], parse.GetValue(plainSetOption) ?? [], parse.GetValue(kcatSetOption) ?? [])));
return root.Parse(args).Invoke();

static int Run(Settings s)
{
    var withKcat = Kcat.IsInstalled;
    if (!withKcat)
    {
        Console.WriteLine("kcat is not installed (apt-get install -y kcat): it is left out.");
    }

    var dataSets = new List<string>();
    if (s.Data is "harness" or "both")
    {
        dataSets.Add("harness");
    }

    if (s.Data is "kcat" or "both" && withKcat && s.Bootstrap is null)
    {
        dataSets.Add("kcat");
    }

    using var cluster = s.Bootstrap is null ? ClusterProcess.Start(brokers: 1, dataSets.Select(TopicOf), partitions: Data.Partitions) : null;
    var bootstrap = s.Bootstrap ?? cluster!.BootstrapServers;
    Console.WriteLine($"cluster: {bootstrap} ({(cluster is null ? "given" : "typedkafka local, pid " + cluster.ProcessId)})");
    Console.WriteLine($"ConsumerManager settings: {string.Join(' ', s.Set)}; plain loop: {string.Join(' ', s.PlainSet)}; kcat: {string.Join(' ', s.KcatSet)}");
    foreach (var data in dataSets)
    {
        var topic = cluster is null ? s.Topic ?? $"bench-{Guid.NewGuid():N}" : TopicOf(data);
        var produced = data == "kcat"
            ? Kcat.Produce(bootstrap, topic, s.Messages)
            : Data.Produce(bootstrap, topic, s.Messages, createTopic: cluster is null && s.Topic is null, s.Headers);
        Console.WriteLine();
        Console.WriteLine($"## {data}-produced data: {produced:N0} messages ({Data.ValueBytes}-byte values) in {topic}[0..{Data.Partitions - 1}]");
        Measure(s, bootstrap, topic, produced, withKcat);
    }

    return 0;
}

static int MeasureMemory(int rounds)
{
    MemoryBench.Measure(rounds);
    return 0;
}

static string TopicOf(string data) => data == "kcat" ? "benchkcat" : "bench";

static void Measure(Settings s, string bootstrap, string topic, long produced, bool withKcat)
{
    var readers = new List<(string Name, Func<Measurement> Run)>();
    if (s.Only is null or "plain")
    {
        readers.Add((Plain, () => Time(Plain, () => Readers.PlainLoop(bootstrap, topic, produced, s.PlainSet))));
    }

    if (s.Only is null or "ordered")
    {
        readers.Add((Ordered, () => Time(Ordered, () => Readers.Ordered(bootstrap, topic, produced, settings: s.Set))));
        if (s.Headers > 0)
        {
            readers.Add((WithHeaders, () => Time(WithHeaders, () => Readers.Ordered(bootstrap, topic, produced, includeHeaders: true, settings: s.Set))));
        }
    }

    if (withKcat && s.Only is null or "kcat")
    {
        // kcat is a child process: its CPU comes from the reaped child's rusage, not this process's.
        Measurement ReadWithKcat()
        {
            var wall = Stopwatch.StartNew();
            var (count, cpu, user) = Kcat.Read(bootstrap, topic, produced, s.KcatSet);
            return Report(new Measurement(KcatReader, count, cpu, user, wall.Elapsed));
        }

        readers.Add((KcatReader, ReadWithKcat));
    }

    Console.WriteLine("warm-up (not measured):");
    var results = new List<Measurement>();
    const int warmUps = 3;
    for (var round = -warmUps; round < s.Rounds; round++)
    {
        foreach (var reader in readers)
        {
            var measurement = reader.Run();
            if (round >= 0)
            {
                results.Add(measurement);
            }
        }
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

    Console.WriteLine();
    Console.WriteLine($"Medians of {s.Rounds} runs each:");
    Console.WriteLine();
    Console.WriteLine("| reader | CPU per message | user CPU per message | wall | messages/s |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
    var medians = new Dictionary<string, (double Cpu, double User, double Wall)>();
    foreach (var group in results.GroupBy(r => r.Reader))
    {
        var m = (Median(group, r => r.CpuPerMessage), Median(group, r => r.UserPerMessage), Median(group, r => r.Wall.TotalSeconds));
        medians[group.Key] = m;
        Console.WriteLine(Invariant($"| {group.Key} | {m.Item1:0.00} µs | {m.Item2:0.00} µs | {m.Item3:0.00} s | {produced / m.Item3:N0} |"));
    }

    Console.WriteLine();
    foreach (var baseline in new[] { KcatReader, Plain })
    {
        if (medians.TryGetValue(Ordered, out var ordered) && medians.TryGetValue(baseline, out var other))
        {
            Console.WriteLine(Invariant($"ordered/{(baseline == Plain ? "plain" : "kcat")}: CPU per message {ordered.Cpu / other.Cpu:0.00}, user CPU {ordered.User / other.User:0.00}, wall {ordered.Wall / other.Wall:0.00}"));
        }
    }

    if (medians.TryGetValue(WithHeaders, out var headers) && medians.TryGetValue(Ordered, out var plainOrdered))
    {
        Console.WriteLine(Invariant($"IncludeHeaders/ordered with {s.Headers} headers per message: CPU per message {headers.Cpu / plainOrdered.Cpu:0.00}, user CPU {headers.User / plainOrdered.User:0.00}"));
    }
}

static Measurement Time(string reader, Func<long> read)
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
    return Report(new Measurement(reader, count, self.TotalProcessorTime - cpuBefore, self.UserProcessorTime - userBefore, wall.Elapsed));
}

static Measurement Report(Measurement m)
{
    Console.WriteLine(Invariant($"{m.Reader}: {m.Messages:N0} messages, CPU {m.Cpu.TotalMilliseconds:N0} ms (user {m.User.TotalMilliseconds:N0} ms), {m.CpuPerMessage:0.00} µs/message, wall {m.Wall.TotalSeconds:0.00} s"));
    return m;
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

internal sealed record Settings(
    int Messages, int Rounds, string? Bootstrap, string? Topic, string? Only, int Headers, string Data,
    IReadOnlyList<string> Set, IReadOnlyList<string> PlainSet, IReadOnlyList<string> KcatSet);

internal static partial class Program
{
    private const string Plain = "plain Consume() loop, byte[]";
    private const string Ordered = "ConsumerManager, ordered Arrow";
    private const string WithHeaders = "ConsumerManager + IncludeHeaders";
    private const string KcatReader = "kcat -C -e -q";
}
