using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using TypedKafka.Testing;
using TypedKafka.Windows;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Records every row of every window handed over, with the partition it came from.</summary>
internal sealed class PartitionWindowHandler(Recorder recorder) : IWindowHandler
{
    public ConcurrentQueue<(int Partition, long Offset, WindowCloseReason ClosedBy)> Rows { get; } = new();

    public ValueTask HandleAsync(ClosedWindow window, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref recorder.Calls);
        foreach (var batch in window.Batches)
        {
            var partitions = (Apache.Arrow.Int32Array)batch.Column("partition");
            var offsets = (Apache.Arrow.Int64Array)batch.Column("offset");
            for (var i = 0; i < batch.Length; i++)
            {
                recorder.RawRows.Enqueue(("ticks", partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value));
            }
        }

        recorder.Windows.Enqueue(new SeenWindow(window.Start, window.End, window.RowCount, window.LateRows, window.ClosedBy, []));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Windowed consumers in a consumer group: a rebalance moves partitions out of an open window.</summary>
public sealed class WindowedConsumerGroupTests : IDisposable
{
    private const long Second = 1_000;

    private readonly LocalKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task A_revoked_partition_leaves_the_open_window_and_every_row_is_in_exactly_one_members_window()
    {
        // Ticks one second apart over 4 partitions, 30-second windows; the window clock stands still, so the
        // last window stays open once the first member has read everything.
        _cluster.CreateTopic("ticks", 4);
        ProduceTicks(_cluster, "ticks", partitions: 4, count: 400, spacingMs: Second);
        var settings = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
            ["TypedKafka:Consumers:ticks:Topics:0"] = "ticks:earliest",
            ["TypedKafka:Consumers:ticks:ConsumerGroup"] = $"windows-{Guid.NewGuid():N}",
            ["TypedKafka:Consumers:ticks:CommitHandled"] = "true",
            ["TypedKafka:Consumers:ticks:PollTimeout"] = "00:00:00.100",
            ["TypedKafka:Consumers:ticks:Window:Length"] = "00:00:30",
            ["TypedKafka:Consumers:ticks:Window:Grace"] = "00:00:05",
            // Live rows wait for every partition (the hold never runs out here), so each window is whole when it closes.
            ["TypedKafka:Consumers:ticks:LiveHold"] = "00:10:00",
            // The embedded brokers wait session.timeout.ms - 1 s for members to rejoin before they assign anew.
            ["TypedKafka:Consumers:ticks:Kafka:session.timeout.ms"] = "3000",
            ["TypedKafka:Consumers:ticks:Kafka:heartbeat.interval.ms"] = "300",
            ["TypedKafka:Consumers:ticks:Kafka:fetch.wait.max.ms"] = "10",
        };
        var clock = new ManualClock(Base);
        var (first, second) = (new Recorder(), new Recorder());
        var firstLogs = new CapturedLogs();

        using var hostA = Member(settings, first, clock, firstLogs);
        await hostA.StartAsync();
        await Eventually(() => first.RawRows.Count == 390 && (string)Health(hostA).Data["phase"] == "Live", "the first member live, its windows up to 390 s handled");

        using var hostB = Member(settings, second, clock);
        await hostB.StartAsync();
        await Eventually(() => (int)Health(hostA).Data["partitions"] == 2 && (int)Health(hostB).Data["partitions"] == 2, "two partitions each", () => firstLogs.All);
        Assert.Contains(firstLogs.Lines, l => l.Text.Contains("the open window gave up", StringComparison.Ordinal) && !l.Text.Contains("gave up 0 rows", StringComparison.Ordinal));

        ProduceTicks(_cluster, "ticks", partitions: 4, count: 120, firstSequence: 400, spacingMs: Second);
        await Eventually(() => first.RawRows.Count + second.RawRows.Count == 510, "the windows up to 510 s handled by one member or the other");
        await hostB.StopAsync();
        await hostA.StopAsync();

        // Windows handed over at stop are not committed (the next owner reads them again): leave them out.
        var handled = first.Windows.Zip(Windows(first)).Concat(second.Windows.Zip(Windows(second)))
            .Where(w => w.First.ClosedBy != WindowCloseReason.Completed)
            .SelectMany(w => w.Second)
            .ToList();
        var expected = Enumerable.Range(0, 510).Select(i => (Partition: i % 4, Offset: (long)(i / 4)));
        Assert.Equal(expected.Order(), handled.Order());
        Assert.NotEmpty(second.Windows);
    }

    private static IHost Member(Dictionary<string, string?> settings, Recorder recorder, ManualClock clock, CapturedLogs? logs = null) => Build(
        settings,
        b =>
        {
            b.Services.AddSingleton<TimeProvider>(clock);
            b.AddWindowedConsumer<PartitionWindowHandler>("ticks");
        },
        recorder,
        logs);

    private static HealthReportEntry Health(IHost host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().GetAwaiter().GetResult().Entries["typedkafka:ticks"];

    /// <summary>The rows of each recorded window, in the order the windows were handed over.</summary>
    private static IEnumerable<List<(int Partition, long Offset)>> Windows(Recorder recorder)
    {
        var rows = recorder.RawRows.ToList();
        var at = 0;
        foreach (var window in recorder.Windows)
        {
            yield return [.. rows.Skip(at).Take((int)window.RowCount).Select(r => (r.Partition, r.Offset))];
            at += (int)window.RowCount;
        }
    }
}
