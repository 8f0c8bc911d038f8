using Confluent.Kafka;

namespace TypedKafka.EndToEnd;

/// <summary>The two ways of reading the whole topic once. Each returns the number of messages it read.</summary>
internal static class Readers
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>What an application would write without TypedKafka: consume until every partition reports its end.</summary>
    public static long PlainLoop(string bootstrap, string topic, long expected, IReadOnlyList<string>? settings = null)
    {
        var config = new ConsumerConfig(Settings(settings))
        {
            BootstrapServers = bootstrap,
            GroupId = $"plain-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(Enumerable.Range(0, Data.Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var ended = new HashSet<int>();
        long count = 0, bytes = 0;
        var deadline = DateTime.UtcNow + Patience;
        while ((ended.Count < Data.Partitions || count < expected) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(100);
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                ended.Add(result.Partition.Value);
                continue;
            }

            count++;
            bytes += result.Message.Value?.Length ?? 0;
        }

        consumer.Close();
        return Check(count, expected, bytes);
    }

    /// <summary>The same data through ConsumerManager, in timestamp order, as Arrow batches.</summary>
    /// <param name="includeHeaders">Add the headers column (ConsumerOptions.IncludeHeaders): the client then marshals each message's headers too.</param>
    public static long Ordered(string bootstrap, string topic, long expected, bool includeHeaders = false, IReadOnlyList<string>? settings = null)
    {
        var config = Settings(settings);
        config["bootstrap.servers"] = bootstrap;
        var trace = Environment.GetEnvironmentVariable("TYPEDKAFKA_BENCH_TRACE") == "1" ? new System.Text.StringBuilder() : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var manager = new ConsumerManager(
            config,
            [SourceTopic.FromEarliest(topic)],
            new ConsumerOptions { BatchSize = 10_000, IncludeHeaders = includeHeaders });
        trace?.Append(System.FormattableString.Invariant($" constructed at {clock.ElapsedMilliseconds}:"));
        long count = 0, bytes = 0;
        var deadline = DateTime.UtcNow + Patience;
        while (!manager.IsLive && DateTime.UtcNow < deadline)
        {
            using var batch = manager.Poll(100);
            trace?.Append(System.FormattableString.Invariant($" {clock.ElapsedMilliseconds}:{batch.Length}"));
            count += batch.Length;
            bytes += ((Apache.Arrow.BinaryArray)batch.Column("value")).ValueBuffer.Length;
        }

        if (trace is not null)
        {
            Console.WriteLine($"trace (ms:rows per poll):{trace}");
        }

        return Check(count, expected, bytes);
    }

    /// <summary>KEY=VALUE librdkafka settings given on the command line (--set).</summary>
    public static Dictionary<string, string> Settings(IReadOnlyList<string>? settings) =>
        (settings ?? []).Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

    private static long Check(long count, long expected, long bytes) =>
        count == expected && bytes == expected * Data.ValueBytes
            ? count
            : throw new InvalidOperationException($"Read {count:N0} messages ({bytes:N0} value bytes) of {expected:N0}.");
}
