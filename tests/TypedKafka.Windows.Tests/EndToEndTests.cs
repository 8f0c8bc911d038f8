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
}
