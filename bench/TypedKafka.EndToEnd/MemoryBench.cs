using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using TypedKafka;

namespace TypedKafka.EndToEnd;

/// <summary>
/// Peak resident memory of a replay under partition skew: 500 partitions of 1 KB values, one with
/// 100 times the messages of each other, over the same hour. Each reader runs in a child process
/// of its own (this program with <c>--rss-reader</c>), which reports its peak RSS (VmHWM) when done.
/// </summary>
internal static class MemoryBench
{
    public const int Partitions = 500;
    public const int DenseMessages = 4_000;
    public const int SparseMessages = 40;
    public const int ValueBytes = 1024;
    public const long MaxHeldBytes = 8L << 20;
    public const int BatchSize = 500;
    private const long BaseTimestampMs = 1_767_225_600_000;
    private const long HourMs = 3_600_000;

    public static long Expected => DenseMessages + ((Partitions - 1L) * SparseMessages);

    public static void Produce(string bootstrap, string topic)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 50, BatchNumMessages = 10_000, BatchSize = 1_000_000, CompressionType = CompressionType.None };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
        var value = new byte[ValueBytes];
        new Random(7).NextBytes(value);
        void Send(int partition, int i, int count)
        {
            var message = new Message<byte[]?, byte[]> { Value = value, Timestamp = new Timestamp(BaseTimestampMs + (i * HourMs / count) + partition, TimestampType.CreateTime) };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, partition), message);
                    return;
                }
                catch (ProduceException<byte[]?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }
        }

        for (var i = 0; i < DenseMessages; i++)
        {
            Send(0, i, DenseMessages);
        }

        for (var i = 0; i < SparseMessages; i++)
        {
            for (var p = 1; p < Partitions; p++)
            {
                Send(p, i, SparseMessages);
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) > 0)
        {
            throw new InvalidOperationException("Not every message was delivered within 60 s.");
        }
    }

    /// <summary>In the child: reads the topic with one reader and prints "messages wall_ms peak_rss_kb".</summary>
    public static int RunReader(string reader, string bootstrap, string topic)
    {
        var clock = Stopwatch.StartNew();
        long count = 0;
        if (reader == "plain")
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = $"plain-{Guid.NewGuid():N}",
                EnableAutoCommit = false,
                EnablePartitionEof = true,
            }).Build();
            consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            var ended = new HashSet<int>();
            while (ended.Count < Partitions || count < Expected)
            {
                var result = consumer.Consume(100);
                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    ended.Add(result.Partition.Value);
                }
                else
                {
                    count++;
                }
            }

            consumer.Close();
        }
        else
        {
            using var manager = new ConsumerManager(
                new Dictionary<string, string> { ["bootstrap.servers"] = bootstrap },
                [SourceTopic.FromEarliest(topic)],
                new ConsumerOptions { MaxHeldBytes = MaxHeldBytes, BatchSize = BatchSize });
            // Live means every partition has caught up, not that every row is out: a poll releases at
            // most a batch, so rows ready when the replay went live may come in the polls after.
            while (!manager.IsLive || manager.HeldMessageCount > 0)
            {
                using var batch = manager.Poll(100);
                count += batch.Length;
            }
        }

        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = long.Parse(peak["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant($"{count} {clock.ElapsedMilliseconds} {kb}"));
        return count == Expected ? 0 : 1;
    }

    /// <summary>In the parent: alternates the two readers in child processes and reports peak RSS and wall time.</summary>
    public static void Measure(int rounds)
    {
        using var cluster = ClusterProcess.Start(brokers: 1, ["skew"], Partitions);
        Produce(cluster.BootstrapServers, "skew");
        Console.WriteLine($"## memory: {Expected:N0} messages of {ValueBytes} B in skew[0..{Partitions - 1}] (partition 0: {DenseMessages:N0}, the others {SparseMessages} each, over one hour); ConsumerManager with MaxHeldBytes {MaxHeldBytes:N0}, BatchSize {BatchSize}");
        var results = new List<(string Reader, long Ms, long Kb)>();
        for (var round = -1; round < rounds; round++)
        {
            foreach (var reader in new[] { "plain", "ordered" })
            {
                var info = new ProcessStartInfo("dotnet", [typeof(MemoryBench).Assembly.Location, "--rss-reader", reader, "--bootstrap-servers", cluster.BootstrapServers, "--topic", "skew"]) { RedirectStandardOutput = true };
                using var child = Process.Start(info)!;
                var line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1].Split(' ');
                child.WaitForExit();
                var (count, ms, kb) = (long.Parse(line[0], CultureInfo.InvariantCulture), long.Parse(line[1], CultureInfo.InvariantCulture), long.Parse(line[2], CultureInfo.InvariantCulture));
                Console.WriteLine(FormattableString.Invariant($"{reader}: {count:N0} messages, {ms} ms, peak RSS {kb / 1024.0:0.0} MiB{(round < 0 ? " (warm-up)" : string.Empty)}"));
                if (child.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{reader} read {count} of {Expected}.");
                }

                if (round >= 0)
                {
                    results.Add((reader, ms, kb));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| reader | peak RSS (median) | wall (median) |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var group in results.GroupBy(r => r.Reader))
        {
            var kbs = group.Select(r => r.Kb).Order().ToList();
            var mss = group.Select(r => r.Ms).Order().ToList();
            Console.WriteLine(FormattableString.Invariant($"| {group.Key} | {kbs[kbs.Count / 2] / 1024.0:0.0} MiB | {mss[mss.Count / 2] / 1000.0:0.00} s |"));
        }
    }
}
