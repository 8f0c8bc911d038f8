using Apache.Arrow;
using Apache.Arrow.Ipc;
using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary><c>typedkafka replay</c>, run in-process against an embedded cluster, with its output captured.</summary>
public sealed class ReplayCommandTests : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("typedkafka-cli-").FullName;
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public ReplayCommandTests()
    {
        _cluster.CreateTopic("clicks", 3);
        _cluster.CreateTopic("views", 2);
        _cluster.Produce("clicks", Enumerable.Range(0, 300).Select(i => LocalMessage.FromStrings(i % 3, Base + (i * 7), $"u{i % 5}", $"click-{i}")));
        _cluster.Produce("views", Enumerable.Range(0, 200).Select(i => LocalMessage.FromStrings(i % 2, Base + (i * 11), $"u{i % 5}", $"view-{i}")));
    }

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<int> Run(CancellationToken cancellation, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, cancellation);
    }

    [Fact]
    public async Task Replay_with_avro_values_writes_their_fields_as_parquet_columns()
    {
        using var registry = new LocalSchemaRegistry();
        using var client = new Confluent.SchemaRegistry.CachedSchemaRegistryClient(new Confluent.SchemaRegistry.SchemaRegistryConfig { Url = registry.Url });
        _cluster.CreateTopic("orders", 2);
        var schema = (Avro.RecordSchema)Avro.Schema.Parse("""
            {"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"customer","type":"string"},
              {"name":"placed","type":{"type":"long","logicalType":"timestamp-millis"}}]}
            """);
        var serializer = new Confluent.SchemaRegistry.Serdes.AvroSerializer<Avro.Generic.GenericRecord>(client);
        var messages = new List<LocalMessage>();
        for (var i = 0; i < 20; i++)
        {
            var record = new Avro.Generic.GenericRecord(schema);
            record.Add("id", (long)i);
            record.Add("customer", $"c{i % 3}");
            record.Add("placed", DateTimeOffset.FromUnixTimeMilliseconds(Base + i).UtcDateTime);
            var bytes = await serializer.SerializeAsync(record, new Confluent.Kafka.SerializationContext(Confluent.Kafka.MessageComponentType.Value, "orders"));
            messages.Add(new LocalMessage(i % 2, Base + i, null, bytes));
        }

        _cluster.Produce("orders", messages);
        var output = Path.Combine(_folder, "orders.parquet");

        var exit = await Run(CancellationToken.None, "replay", "-b", _cluster.BootstrapServers, "--topic", "orders:earliest", "--until", "end",
            "--value-format", "avro", "--schema-registry", registry.Url, "--out", output);

        Assert.True(exit == 0, _stderr.ToString());
        using var reader = new ParquetSharp.Arrow.FileReader(output);
        using var batches = reader.GetRecordBatchReader();
        var ids = new List<long>();
        var customers = new List<string>();
        while (await batches.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                ids.AddRange(((Int64Array)batch.Column("id")).Values.ToArray());
                customers.AddRange(Enumerable.Range(0, batch.Length).Select(i => ((StringArray)batch.Column("customer")).GetString(i)));
                Assert.Equal(-1, batch.Schema.GetFieldIndex("value"));
                Assert.IsType<TimestampArray>(batch.Column("placed"));
            }
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), ids);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"c{i % 3}"), customers);
    }

    [Fact]
    public async Task Replay_with_avro_values_needs_a_schema_registry()
    {
        var exit = await Run(CancellationToken.None, "replay", "-b", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--value-format", "avro");
        Assert.NotEqual(0, exit);
        Assert.Contains("--value-format avro needs --schema-registry", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Waits for a condition the running command reaches on its own; the generous limit only guards against a hang.</summary>
    private async Task Eventually(Func<bool> condition, string what, Task<int> run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.False(run.IsCompleted, $"The command ended before {what}: {_stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"Never happened: {what}. Output: {_stdout}");
            await Task.Delay(50);
        }
    }

    private static List<(string Topic, long Offset, long Timestamp)> ReadArrowFile(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new ArrowFileReader(stream);
        var rows = new List<(string, long, long)>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            var topics = (StringArray)batch.Column("topic");
            var offsets = (Int64Array)batch.Column("offset");
            var timestamps = (TimestampArray)batch.Column("timestamp");
            rows.AddRange(Enumerable.Range(0, batch.Length).Select(r => (topics.GetString(r), offsets.GetValue(r)!.Value, timestamps.GetTimestamp(r)!.Value.ToUnixTimeMilliseconds())));
            batch.Dispose();
        }

        return rows;
    }

    [Fact]
    public async Task A_replay_writes_every_message_in_timestamp_order_to_an_arrow_file_and_exits_when_live()
    {
        var output = Path.Combine(_folder, "replay.arrow");
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--topic", "views:earliest", "--batch-size", "64", "--out", output);

        Assert.True(exit == 0, _stderr.ToString());
        var rows = ReadArrowFile(output);
        Assert.Equal(500, rows.Count);
        Assert.Equal(rows.Select(r => r.Timestamp).Order(), rows.Select(r => r.Timestamp));
        Assert.Contains("replayed 500 messages", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("live after", _stdout.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task Speed_replays_at_the_recorded_pace_times_the_speed()
    {
        // The history spans 2.189 s (views at Base + 199 * 11 ms): at speed 2 it takes at least about 1.1 s.
        var output = Path.Combine(_folder, "paced.arrow");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--topic", "views:earliest", "--until", "end", "--speed", "2", "--out", output);
        clock.Stop();

        Assert.True(exit == 0, _stderr.ToString());
        var rows = ReadArrowFile(output);
        Assert.Equal(500, rows.Count);
        Assert.Equal(rows.Select(r => r.Timestamp).Order(), rows.Select(r => r.Timestamp));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"A 2.2 s history replayed at speed 2 took only {clock.Elapsed.TotalSeconds:F3} s.");
    }

    [Fact]
    public async Task Redirected_output_gets_plain_progress_lines()
    {
        await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest");
        Assert.Matches(@"\[\d\d:\d\d:\d\d\] consumed \d+/300 of the replay, released \d+, held \d+, paused \d+, live \d/3", _stdout.ToString());
    }

    [Fact]
    public async Task Follow_keeps_reading_live_messages_and_cancelling_closes_the_file_cleanly()
    {
        var output = Path.Combine(_folder, "follow.arrow");
        using var stop = new CancellationTokenSource();
        var run = Run(stop.Token, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "views:latest", "--follow", "--out", output);

        // Latest: nothing to replay. Once both partitions are live, what is produced arrives live.
        await Eventually(() => _stdout.ToString().Contains("live 2/2", StringComparison.Ordinal), "both partitions live", run);
        _cluster.Produce("views", [LocalMessage.FromStrings(0, Base + 1_000_000, null, "live-0"), LocalMessage.FromStrings(1, Base + 1_000_001, null, "live-1")]);
        await Eventually(() => _stdout.ToString().Contains("released 2", StringComparison.Ordinal), "the two live messages released", run);

        await stop.CancelAsync();
        var exit = await run;

        Assert.True(exit == 0, _stderr.ToString());
        // Live messages go out as they arrive: merged within a poll, not held for each other.
        Assert.Equal([(Base + 1_000_000, 100L), (Base + 1_000_001, 100L)], ReadArrowFile(output).Select(r => (r.Timestamp, r.Offset)).Order());
    }

    [Fact]
    public async Task Micro_batch_mode_writes_one_file_per_event_time_window()
    {
        var folder = Path.Combine(_folder, "windows");
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--window", "1s", "--out-dir", folder, "--format", "arrow");

        Assert.True(exit == 0, _stderr.ToString());
        var files = Directory.GetFiles(folder, "*.arrow").Order(StringComparer.Ordinal).ToList();
        // 300 clicks 7 ms apart from 00:00:00.000: windows starting at 00:00:00, 00:00:01 and 00:00:02.
        Assert.Equal(["2026-01-01T00-00-00Z.arrow", "2026-01-01T00-00-01Z.arrow", "2026-01-01T00-00-02Z.arrow"], files.Select(Path.GetFileName));
        var rows = files.Select(ReadArrowFile).ToList();
        Assert.Equal(300, rows.Sum(r => r.Count));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.All(rows[i], r => Assert.Equal(Base + (i * 1000), r.Timestamp - ((r.Timestamp - Base) % 1000)));
        }

        Assert.Contains("wrote 3 window file(s)", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Micro_batch_mode_writes_parquet_by_default_and_needs_an_output_folder()
    {
        var folder = Path.Combine(_folder, "parquet");
        Assert.Equal(0, await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "views:earliest", "--window", "1m", "--out-dir", folder));
        Assert.Single(Directory.GetFiles(folder, "*.parquet"));

        Assert.NotEqual(0, await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "views:earliest", "--window", "1m"));
        Assert.Contains("--window and --out-dir go together", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_topic_fails_naming_it()
    {
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "nowhere:earliest");
        Assert.Equal(1, exit);
        Assert.Contains("'nowhere' does not exist", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--topic", "clicks:oldest", "unknown policy 'oldest'")]
    [InlineData("--cutoff", "yesterday-ish", "--cutoff 'yesterday-ish'")]
    [InlineData("--cutoff", "1767225600", "--cutoff '1767225600' looks like Unix seconds")]
    [InlineData("--until", "1767225600", "--until '1767225600' looks like Unix seconds")]
    [InlineData("--topic", "clicks:absolute_time:1767225600", "'1767225600' looks like Unix seconds")]
    [InlineData("--until", "soon", "--until 'soon' is not a time")]
    [InlineData("--max-messages", "0", "--max-messages must be 1 or more")]
    [InlineData("--speed", "0", "--speed must be a positive number")]
    [InlineData("--speed", "-2", "--speed must be a positive number")]
    [InlineData("--speed", "fast", "--speed must be a positive number, e.g. 1 (as recorded) or 10 (ten times faster); got 'fast'")]
    public async Task Bad_arguments_are_usage_errors_that_say_what_was_expected(string option, string value, string expected)
    {
        string[] args = option == "--topic"
            ? ["replay", "--bootstrap-servers", _cluster.BootstrapServers, option, value]
            : ["replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", option, value];
        var exit = await Run(CancellationToken.None, args);
        Assert.NotEqual(0, exit);
        Assert.Contains(expected, _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_config_setting_is_named()
    {
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--config", "fetch.max.bites=1");
        Assert.Equal(1, exit);
        Assert.Contains("fetch.max.bites", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_end_writes_exactly_the_log_as_it_was_at_start_while_messages_keep_coming()
    {
        var output = Path.Combine(_folder, "until-end.arrow");
        using var stopProducing = new CancellationTokenSource();
        var producedLive = 0;
        var notDelivered = 0;
        // One long-lived producer appends thousands of messages a second (LocalKafkaCluster.Produce
        // makes a producer per call, a few a second), so the log grows throughout the replay, which
        // lasts at least the consumer's assignment and first fetch after the end offsets are taken.
        using var liveProducer = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(
            new Confluent.Kafka.ProducerConfig { BootstrapServers = _cluster.BootstrapServers, LingerMs = 1 }).Build();
        var producer = Task.Run(() =>
        {
            for (var i = 0; !stopProducing.IsCancellationRequested; i++)
            {
                var message = new Confluent.Kafka.Message<Confluent.Kafka.Null, string>
                {
                    Value = $"live-{i}",
                    Timestamp = new Confluent.Kafka.Timestamp(Base + 10_000 + i, Confluent.Kafka.TimestampType.CreateTime),
                };
                liveProducer.Produce(new Confluent.Kafka.TopicPartition("clicks", i % 3), message, report =>
                {
                    Interlocked.Increment(ref report.Error.IsError ? ref notDelivered : ref producedLive);
                });
                if (i % 100 == 99)
                {
                    liveProducer.Flush(TimeSpan.FromSeconds(30));
                }
            }
        });
        await Eventually(() => Volatile.Read(ref producedLive) > 0);

        var exit = await Run(Guard(), "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--batch-size", "16", "--until", "end", "--out", output);
        var producedByExit = Volatile.Read(ref producedLive);
        await stopProducing.CancelAsync();
        await producer;

        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(0, notDelivered);
        // The end offsets captured at start, as the first progress line reports them.
        var captured = long.Parse(System.Text.RegularExpressions.Regex.Match(_stdout.ToString(), @"consumed [\d,]+/([\d,]+) of the replay").Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal));
        var rows = ReadArrowFile(output);
        Assert.Equal(captured, rows.Count);
        Assert.True(300 + producedByExit > rows.Count, "nothing was produced during the replay: the test proves nothing");
        Assert.Equal(rows.Select(r => r.Timestamp).Order(), rows.Select(r => r.Timestamp));
        Assert.Contains("complete (--until reached)", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains($"wrote {rows.Count:N0} rows", _stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not written", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_a_time_between_two_messages_writes_exactly_the_earlier_ones()
    {
        var output = Path.Combine(_folder, "until-time.arrow");
        // Clicks are 7 ms apart, views 11 ms: before +703 ms come clicks 0-100 (at 700) and views 0-63 (at 693).
        var exit = await Run(Guard(), "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--topic", "views:earliest", "--batch-size", "32", "--until", "2026-01-01T00:00:00.703Z", "--out", output);

        Assert.True(exit == 0, _stderr.ToString());
        var rows = ReadArrowFile(output);
        Assert.Equal(101, rows.Count(r => r.Topic == "clicks"));
        Assert.Equal(64, rows.Count(r => r.Topic == "views"));
        Assert.Equal(Base + 700, rows.Max(r => r.Timestamp));
        Assert.Equal(rows.Select(r => r.Timestamp).Order(), rows.Select(r => r.Timestamp));
        Assert.Contains("complete (--until reached); wrote 165 rows", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_messages_writes_exactly_the_first_n_in_order_and_closes_the_file()
    {
        var output = Path.Combine(_folder, "max.arrow");
        var exit = await Run(Guard(), "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--topic", "views:earliest", "--batch-size", "50", "--max-messages", "123", "--out", output);

        Assert.True(exit == 0, _stderr.ToString());
        var rows = ReadArrowFile(output);
        var everyTimestamp = Enumerable.Range(0, 300).Select(i => Base + (i * 7)).Concat(Enumerable.Range(0, 200).Select(i => Base + (i * 11)));
        Assert.Equal(everyTimestamp.Order().Take(123), rows.Select(r => r.Timestamp));
        Assert.Contains("stopped at --max-messages; wrote 123 rows", _stdout.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task Until_and_follow_are_refused_together()
    {
        var exit = await Run(CancellationToken.None, "replay", "--bootstrap-servers", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--until", "end", "--follow");
        Assert.NotEqual(0, exit);
        Assert.Contains("--until and --follow do not go together", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A bounded run ends on its own; this only turns a hang into a failure (exit code 130).</summary>
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    private static async Task Eventually(Func<bool> condition)
    {
        // A generous limit only against a hang; the condition is what is waited for.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition never held");
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// A <see cref="StringWriter"/> a test may read (<see cref="ToString"/>) while the command writes
/// to it from another thread: a plain one's <see cref="System.Text.StringBuilder"/> is not safe for that.
/// </summary>
internal sealed class SynchronizedStringWriter : StringWriter
{
    private readonly Lock _lock = new();

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            base.Write(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            base.Write(buffer);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            base.WriteLine(buffer);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            base.WriteLine(value);
        }
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(char value)
    {
        lock (_lock)
        {
            base.WriteLine(value);
        }

        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            base.WriteLine(buffer, index, count);
        }

        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        WriteLine(buffer.Span);
        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return base.ToString();
        }
    }
}
