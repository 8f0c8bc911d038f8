using TypedKafka.Testing;

namespace TypedKafka.Windows.Tests;

public sealed class EndToEndTests : IDisposable
{
    private const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "typedkafka-windows-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_replay_through_ConsumerManager_writes_one_parquet_file_per_minute_in_timestamp_order()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("clicks", partitions: 3);
        cluster.Produce("clicks", Enumerable.Range(0, 150).Select(i =>
            LocalMessage.FromStrings(i % 3, Start + (i * 1000), $"user-{i % 7}", $"{{\"page\":{i}}}")));

        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("clicks")],
            batchSize: 40);
        // An hour after the data: once live, the clock closes the last window at once.
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)) { Clock = new ManualClock(Start + 3_600_000) });

        var released = new List<string>();
        var paths = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (paths.Count < 3 && DateTime.UtcNow < deadline)
        {
            var batch = manager.Poll(timeoutMs: 500);
            released.AddRange(Batches.Rows([batch]));

            foreach (var window in assembler.Add(batch, manager.PrimingWatermark, manager.IsLive))
            {
                using (window)
                {
                    paths.Add(ParquetWindowFiles.Write(window, _directory));
                }
            }
        }

        Assert.Equal(["2026-01-01T00-00-00Z.parquet", "2026-01-01T00-01-00Z.parquet", "2026-01-01T00-02-00Z.parquet"],
            paths.Select(Path.GetFileName));
        var rows = paths.Select(Batches.ReadParquet).ToList();
        Assert.Equal([60, 60, 30], rows.Select(r => r.Count));
        Assert.Equal(released, rows.SelectMany(r => r));
        var timestamps = released.Select(r => long.Parse(r.Split('|')[5])).ToList();
        Assert.Equal(Enumerable.Range(0, 150).Select(i => Start + (i * 1000L)), timestamps);
        Assert.Equal(0, assembler.LateMessageCount);
    }

    [Fact]
    public void A_window_spanning_the_switch_from_replay_to_live_closes_by_the_clock_with_rows_from_both()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("clicks", partitions: 2);
        cluster.Produce("clicks", Enumerable.Range(0, 10).Select(i =>
            LocalMessage.FromStrings(i % 2, Start + (i * 1000), "k", $"replay-{i}")));

        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("clicks")]);
        var clock = new ManualClock(Start + 30_000);
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)) { Grace = TimeSpan.FromSeconds(5), Clock = clock });

        var rows = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!manager.IsLive && DateTime.UtcNow < deadline)
        {
            var batch = manager.Poll(timeoutMs: 500);
            rows += batch.Length;
            Assert.Empty(assembler.Add(batch, manager.PrimingWatermark, manager.IsLive));
        }

        Assert.True(manager.IsLive);
        Assert.Equal(10, rows);
        cluster.Produce("clicks", Enumerable.Range(20, 5).Select(i =>
            LocalMessage.FromStrings(i % 2, Start + (i * 1000), "k", $"live-{i}")));
        while (rows < 15 && DateTime.UtcNow < deadline)
        {
            var batch = manager.Poll(timeoutMs: 500);
            rows += batch.Length;
            Assert.Empty(assembler.Add(batch, manager.PrimingWatermark, manager.IsLive));
        }

        Assert.Equal(15, rows);
        clock.NowMs = Start + 64_999;
        Assert.Empty(assembler.Advance(manager.PrimingWatermark, manager.IsLive));
        clock.NowMs = Start + 65_000;
        using var window = Assert.Single(assembler.Advance(manager.PrimingWatermark, manager.IsLive));

        Assert.Equal(Start, window.StartMs);
        Assert.Equal(15, window.RowCount);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => $"replay-{i}").Concat(Enumerable.Range(20, 5).Select(i => $"live-{i}")).Order(),
            Batches.Rows(window.Batches).Select(r => r.Split('|')[1]).Order());
        Assert.Equal(0, window.LateRows);
    }

    [Fact]
    public void Windows_written_live_under_a_hold_are_byte_identical_to_a_rerun_over_the_same_range()
    {
        using var cluster = new LocalKafkaCluster();
        var topic = "ties-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(topic, partitions: 3);
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["fetch.wait.max.ms"] = "10" };

        // Live: an empty topic, then three bursts in which six messages (two per partition) share each millisecond.
        var live = new ConsumerOptions { LiveOrdering = LiveOrdering.Hold(TimeSpan.FromSeconds(3)), BatchSize = 7 };
        using var liveManager = new ConsumerManager(config, [SourceTopic.FromEarliest(topic)], live);
        using (var first = liveManager.Poll(timeoutMs: 1000))
        {
            Assert.True(liveManager.IsLive);
        }

        const int perBurst = 30;
        for (var burst = 0; burst < 3; burst++)
        {
            cluster.Produce(topic, Enumerable.Range(0, perBurst).Select(i =>
                LocalMessage.FromStrings(i % 3, Start + (burst * 20_000L) + (i / 6 * 1000L), $"k{i % 5}", $"{{\"burst\":{burst},\"i\":{i}}}")));
        }

        var liveFiles = WriteWindows(liveManager, Path.Combine(_directory, "live"), done: rows => rows == 3 * perBurst);
        using (var state = liveManager.PartitionState())
        {
            Assert.Equal(0, ((Apache.Arrow.Int64Array)state.Column("out_of_order_releases")).Sum(v => v ?? 0));
        }

        // The rerun: the same range replayed to its end, in batches of another size.
        using var rerun = new ConsumerManager(config, [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, BatchSize = 13 });
        var rerunFiles = WriteWindows(rerun, Path.Combine(_directory, "rerun"), done: _ => rerun.IsComplete);

        Assert.Equal(["2026-01-01T00-00-00Z.parquet", "2026-01-01T00-00-20Z.parquet", "2026-01-01T00-00-40Z.parquet"], liveFiles.Select(Path.GetFileName));
        Assert.Equal(liveFiles.Select(Path.GetFileName), rerunFiles.Select(Path.GetFileName));
        for (var i = 0; i < liveFiles.Count; i++)
        {
            Assert.Equal(Batches.ReadParquet(rerunFiles[i]), Batches.ReadParquet(liveFiles[i]));
            Assert.True(File.ReadAllBytes(liveFiles[i]).AsSpan().SequenceEqual(File.ReadAllBytes(rerunFiles[i])), $"{Path.GetFileName(liveFiles[i])} differs between the live run and the rerun.");
        }
    }

    /// <summary>Polls into 20-second windows until <paramref name="done"/>, then closes and writes them all as Parquet.</summary>
    private static List<string> WriteWindows(ConsumerManager manager, string directory, Func<int, bool> done)
    {
        // A clock at the data's start: only the end of the read closes windows, whatever the wall clock says.
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromSeconds(20)) { Clock = new ManualClock(Start) });
        var paths = new List<string>();
        var rows = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done(rows))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{rows} rows after 60 s.");
            var batch = manager.Poll(timeoutMs: 200);
            rows += batch.Length;
            Write(assembler.Add(batch, manager.PrimingWatermark, manager.IsLive));
        }

        Write(assembler.Complete());
        return paths;

        void Write(IReadOnlyList<ClosedWindow> windows)
        {
            foreach (var window in windows)
            {
                using (window)
                {
                    paths.Add(ParquetWindowFiles.Write(window, directory));
                }
            }
        }
    }
}
