using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedKafka.Hosting.Runtime;
using TypedKafka.Testing;
using TypedKafka.Windows;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>What a window handler was given: bounds, counts, how it closed, and its ticks' sequence numbers (or raw offsets).</summary>
internal sealed record SeenWindow(DateTimeOffset Start, DateTimeOffset End, long RowCount, long LateRows, WindowCloseReason ClosedBy, long[] Sequences)
{
    /// <summary>Bad payloads, as <c>topic[partition]@offset: reason</c>.</summary>
    public string[] Errors { get; init; } = [];
}

internal sealed class TickWindowHandler(Recorder recorder) : IWindowHandler<Tick>
{
    public async ValueTask HandleAsync(TypedWindow<Tick> window, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref recorder.Calls);
        if (call == 1 && recorder.HoldFirstBatch is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        if (call <= recorder.FailFirstCalls || (recorder.FailFrom > 0 && call >= recorder.FailFrom))
        {
            throw new InvalidOperationException(recorder.FailureMessage);
        }

        recorder.Windows.Enqueue(new SeenWindow(window.Start, window.End, window.RowCount, window.LateRows, window.ClosedBy, [.. window.Rows.Select(t => t.Sequence)])
        {
            Errors = [.. window.Batches.SelectMany(b => b.Errors).Select(e => $"{e.Topic}[{e.Partition}]@{e.Offset}: {e.Reason}")],
        });
    }
}

internal sealed class RawWindowHandler(Recorder recorder) : IWindowHandler
{
    public ValueTask HandleAsync(ClosedWindow window, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref recorder.Calls);
        if (recorder.FailFrom > 0 && call >= recorder.FailFrom)
        {
            throw new InvalidOperationException(recorder.FailureMessage);
        }

        var offsets = window.Batches.SelectMany(b => ((Apache.Arrow.Int64Array)b.Column("offset")).Values.ToArray());
        recorder.Windows.Enqueue(new SeenWindow(window.Start, window.End, window.RowCount, window.LateRows, window.ClosedBy, [.. offsets]));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A wall clock that moves only when a test moves it.</summary>
internal sealed class ManualClock(long nowMs) : TimeProvider
{
    private long _nowMs = nowMs;

    public long NowMs
    {
        get => Interlocked.Read(ref _nowMs);
        set => Interlocked.Exchange(ref _nowMs, value);
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}

/// <summary>Windowed consumers run by a generic host against <see cref="LocalKafkaCluster"/>: ticks one second apart, 30-second windows.</summary>
public sealed class WindowedConsumerTests : IDisposable
{
    private const long Second = 1_000;

    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    private static DateTimeOffset At(long secondsAfterBase) => DateTimeOffset.FromUnixTimeMilliseconds(Base + (secondsAfterBase * Second));

    private static long[] Sequences(int from, int toExclusive) => [.. Enumerable.Range(from, toExclusive - from).Select(i => (long)i)];

    /// <summary>
    /// Live rows from several partitions: the same rows as <paramref name="expected"/>, in any order
    /// across partitions, but in order within each partition (tick <c>i</c> is on partition <c>i % partitions</c>).
    /// </summary>
    private static void AssertLiveRows(long[] expected, long[] actual, int partitions)
    {
        Assert.Equal(expected.Order(), actual.Order());
        for (var p = 0; p < partitions; p++)
        {
            Assert.Equal(expected.Where(s => s % partitions == p), actual.Where(s => s % partitions == p));
        }
    }

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
            ["TypedKafka:Consumers:ticks:Topics:0"] = "ticks:earliest",
            ["TypedKafka:Consumers:ticks:BatchSize"] = "7",
            ["TypedKafka:Consumers:ticks:PollTimeout"] = "00:00:00.100",
            ["TypedKafka:Consumers:ticks:Window:Length"] = "00:00:30",
            ["TypedKafka:Consumers:ticks:Window:Grace"] = "00:00:05",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private Dictionary<string, string?> Committing(string group) => Settings(
        ("TypedKafka:Consumers:ticks:Topics:0", "ticks:committed:earliest"),
        ("TypedKafka:Consumers:ticks:CommitHandled", "true"),
        ("TypedKafka:Kafka:group.id", group));

    private static IHost Build(Dictionary<string, string?> settings, Recorder recorder, ManualClock clock, CapturedLogs? logs = null, bool raw = false)
    {
        var host = HostHarness.Build(
            settings,
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                _ = raw ? b.AddWindowedConsumer<RawWindowHandler>("ticks") : b.AddWindowedConsumer<Tick, TickWindowHandler>("ticks");
            },
            recorder,
            logs);
        return host;
    }

    [Fact]
    public async Task History_is_handed_over_window_by_window_with_bounds_counts_and_rows_in_order()
    {
        _cluster.CreateTopic("ticks", 3);
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 95, spacingMs: Second);
        var clock = new ManualClock(Base + (200 * Second));

        using var host = Build(Settings(), _recorder, clock);
        await host.StartAsync();
        await Eventually(() => _recorder.Windows.Count == 4, "four windows handed over");
        await host.StopAsync();

        var windows = _recorder.Windows.ToList();
        Assert.Equal([(At(0), At(30)), (At(30), At(60)), (At(60), At(90)), (At(90), At(120))], windows.Select(w => (w.Start, w.End)));
        Assert.Equal([30L, 30, 30, 5], windows.Select(w => w.RowCount));
        Assert.Equal(Sequences(0, 30), windows[0].Sequences);
        Assert.Equal(Sequences(30, 60), windows[1].Sequences);
        Assert.Equal(Sequences(60, 90), windows[2].Sequences);
        Assert.Equal(Sequences(90, 95), windows[3].Sequences);
        Assert.All(windows, w => Assert.Equal(0, w.LateRows));

        // Replay closes windows by a later row or the watermark; the last one, with nothing after it, by the clock once live.
        Assert.All(windows[..3], w => Assert.Contains(w.ClosedBy, new[] { WindowCloseReason.LaterRow, WindowCloseReason.Watermark }));
        Assert.Equal(WindowCloseReason.Clock, windows[3].ClosedBy);
        Assert.Equal(95, host.Services.GetRequiredService<ConsumerRegistry>().Register("ticks").Released);
    }

    [Fact]
    public async Task A_bad_payload_is_counted_in_its_window_and_reported_with_its_offset_but_left_out_of_the_rows()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 20, spacingMs: Second);
        _cluster.Produce("ticks", [LocalMessage.FromStrings(0, Base + (25 * Second), "S0", "{\"symbol\": 7}")]);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 15, firstSequence: 26, spacingMs: Second);
        var clock = new ManualClock(Base + (200 * Second));

        using var host = Build(Settings(), _recorder, clock);
        await host.StartAsync();
        await Eventually(() => _recorder.Windows.Count == 2, "two windows handed over");
        await host.StopAsync();

        var first = _recorder.Windows.First();
        Assert.Equal(25, first.RowCount);
        Assert.Equal(Sequences(0, 20).Concat(Sequences(26, 30)), first.Sequences);
        var error = Assert.Single(first.Errors);
        Assert.StartsWith("ticks[0]@20: ", error, StringComparison.Ordinal);
        Assert.Contains("symbol", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raw_windowed_consumer_hands_over_message_rows_by_window()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 40, spacingMs: Second);
        var clock = new ManualClock(Base + (200 * Second));

        using var host = Build(Settings(), _recorder, clock, raw: true);
        await host.StartAsync();
        await Eventually(() => _recorder.Windows.Count == 2, "two windows handed over");
        await host.StopAsync();

        var windows = _recorder.Windows.ToList();
        Assert.Equal([(At(0), At(30)), (At(30), At(60))], windows.Select(w => (w.Start, w.End)));
        Assert.Equal([30L, 10], windows.Select(w => w.RowCount));

        // Tick i is offset i / 2 of partition i % 2; each window holds both partitions' offsets in timestamp order.
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)(i / 2)), windows[0].Sequences);
        Assert.Equal(Enumerable.Range(30, 10).Select(i => (long)(i / 2)), windows[1].Sequences);
    }

    [Fact]
    public async Task Live_a_quiet_window_is_closed_by_the_clock_once_it_passes_the_end_plus_the_grace()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 10, spacingMs: Second);
        var clock = new ManualClock(Base + (20 * Second));

        using var host = Build(Settings(("TypedKafka:Consumers:ticks:BatchSize", "1000")), _recorder, clock);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var status = host.Services.GetRequiredService<ConsumerRegistry>().Register("ticks");
        await host.StartAsync();
        await Eventually(() => health.CheckHealthAsync().Result.Entries["typedkafka:ticks"].Status == HealthStatus.Healthy, "live");

        // Live rows of the same window join it; the clock, 20 s into the window, closes nothing.
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 5, firstSequence: 20, spacingMs: Second);
        await Eventually(() => status.Consumed == 15, "the five live ticks consumed");
        Assert.Empty(_recorder.Windows);

        clock.NowMs = Base + (35 * Second);
        await Eventually(() => _recorder.Windows.Count == 1, "the window closed by the clock");
        await host.StopAsync();

        var window = Assert.Single(_recorder.Windows);
        Assert.Equal((At(0), At(30)), (window.Start, window.End));
        Assert.Equal(WindowCloseReason.Clock, window.ClosedBy);
        Assert.Equal(15, window.RowCount);

        // The replayed rows come first, in timestamp order. The live rows are ordered only within
        // one poll: across partitions they compare as a set, and each partition's keep its order.
        Assert.Equal(Sequences(0, 10), window.Sequences[..10]);
        AssertLiveRows(Sequences(20, 25), window.Sequences[10..], partitions: 2);
    }

    [Fact]
    public async Task Under_StopHost_a_failing_window_stops_the_host_and_only_the_windows_handled_before_it_are_committed()
    {
        _cluster.CreateTopic("ticks", 3);
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 95, spacingMs: Second);
        var clock = new ManualClock(Base + (200 * Second));
        var settings = Committing("windows-stophost");
        _recorder.FailFrom = 2;
        var logs = new CapturedLogs();

        using (var failing = Build(settings, _recorder, clock, logs))
        {
            var health = failing.Services.GetRequiredService<HealthCheckService>();
            await failing.StartAsync();
            await failing.WaitForShutdownAsync();

            Assert.Equal(2, _recorder.Calls);
            var entry = (await health.CheckHealthAsync()).Entries["typedkafka:ticks"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains("window [2026-01-01T00:00:30Z, 2026-01-01T00:01:00Z) of 30 rows", entry.Description, StringComparison.Ordinal);
            Assert.Contains(logs.Lines, l => l.Level == LogLevel.Critical && l.Text.Contains("window [2026-01-01T00:00:30Z", StringComparison.Ordinal));
        }

        // The restart resumes after the first window, the only one handled: the failed window comes again, whole.
        var second = new Recorder();
        using (var restarted = Build(settings, second, clock))
        {
            await restarted.StartAsync();
            await Eventually(() => second.Windows.Count == 3, "the three windows after the first");
            await restarted.StopAsync();
        }

        var windows = second.Windows.ToList();
        Assert.Equal([At(30), At(60), At(90)], windows.Select(w => w.Start));
        Assert.Equal(Sequences(30, 60), windows[0].Sequences);
        Assert.Equal(Sequences(90, 95), windows[2].Sequences);
    }

    [Fact]
    public async Task Rows_released_out_of_offset_order_are_not_committed_past_a_row_still_in_an_open_window()
    {
        // Offset 1 (10 s) is within MaxOutOfOrderness of offset 0 (40 s), so it is released first, into the
        // window [0 s, 30 s); offset 0 goes to [30 s, 60 s). Handling the first window may not commit offset 0.
        _cluster.CreateTopic("ticks", 1);
        _cluster.Produce("ticks", new[] { 40, 10, 100, 200, 300, 400 }.Select(s => LocalMessage.FromStrings(0, Base + (s * Second), "k", $"at {s}")));
        var clock = new ManualClock(Base + (1_000 * Second));
        var settings = Committing($"windows-reorder-{Guid.NewGuid():N}");
        settings["TypedKafka:Consumers:ticks:MaxOutOfOrderness"] = "00:00:35";
        _recorder.FailFrom = 2;

        using (var failing = Build(settings, _recorder, clock, raw: true))
        {
            await failing.StartAsync();
            await failing.WaitForShutdownAsync();
        }

        Assert.Equal([1L], _recorder.Windows.First().Sequences);

        // The restart starts at offset 0, the lowest not handled: offset 1 comes again, offset 0 is not lost.
        var second = new Recorder();
        using (var restarted = Build(settings, second, clock, raw: true))
        {
            await restarted.StartAsync();
            await Eventually(() => second.Windows.Any(w => w.Sequences.Contains(4)), "the window of offset 4");
            await restarted.StopAsync();
        }

        Assert.Equal([[1L], [0L], [2L], [3L], [4L]], second.Windows.Take(5).Select(w => w.Sequences));
    }

    [Fact]
    public async Task Under_Retry_the_same_window_is_handed_again_until_it_succeeds()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 40, spacingMs: Second);
        var clock = new ManualClock(Base + (200 * Second));
        _recorder.FailFirstCalls = 2;

        using var host = Build(
            Settings(
                ("TypedKafka:Consumers:ticks:OnHandlerError:Policy", "Retry"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:MaxAttempts", "3"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:InitialDelay", "00:00:00.010")),
            _recorder,
            clock);
        await host.StartAsync();
        await Eventually(() => _recorder.Windows.Count == 2, "both windows handled");
        await host.StopAsync();

        Assert.Equal(4, _recorder.Calls);
        Assert.Equal([Sequences(0, 30), Sequences(30, 40)], _recorder.Windows.Select(w => w.Sequences));
    }

    [Fact]
    public async Task Stopping_hands_over_the_open_window_without_committing_it_so_a_restart_hands_it_over_whole()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 40, spacingMs: Second);
        var clock = new ManualClock(Base + (40 * Second));
        var settings = Committing("windows-shutdown");

        using (var first = Build(settings, _recorder, clock))
        {
            var health = first.Services.GetRequiredService<HealthCheckService>();
            await first.StartAsync();
            await Eventually(() => _recorder.Windows.Count == 1, "the first window handed over");
            await Eventually(() => health.CheckHealthAsync().Result.Entries["typedkafka:ticks"].Status == HealthStatus.Healthy, "live");
            await first.StopAsync();
        }

        var stopped = _recorder.Windows.ToList();
        Assert.Equal(2, stopped.Count);
        Assert.Equal((At(30), WindowCloseReason.Completed, 10L), (stopped[1].Start, stopped[1].ClosedBy, stopped[1].RowCount));

        // Twenty more ticks fill the window that was open; the restart reads it again from its first row.
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 21, firstSequence: 40, spacingMs: Second);
        var second = new Recorder();
        using (var restarted = Build(settings, second, clock))
        {
            await restarted.StartAsync();
            await Eventually(() => !second.Windows.IsEmpty, "the window handed over again");
            await restarted.StopAsync();
        }

        var again = second.Windows.First();
        Assert.Equal((At(30), 30L), (again.Start, again.RowCount));
        Assert.Equal(Sequences(30, 60), again.Sequences);
        Assert.NotEqual(WindowCloseReason.Completed, again.ClosedBy);
    }
}
