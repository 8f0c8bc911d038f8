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
