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
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));

        var released = new List<string>();
        var paths = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (paths.Count < 3 && DateTime.UtcNow < deadline)
        {
            var batch = manager.Poll(timeoutMs: 500);
            released.AddRange(Batches.Rows([batch]));

            // The data is old: once live, the clock closes the last window at once.
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
}
