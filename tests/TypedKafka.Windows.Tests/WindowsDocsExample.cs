using TypedKafka.Testing;

namespace TypedKafka.Windows.Tests;

/// <summary>The example of docs/windows.md, run as written there (in a temporary folder).</summary>
public sealed class WindowsDocsExample
{
    [Fact]
    public void Windows_example()
    {
        var previous = Environment.CurrentDirectory;
        var directory = Directory.CreateTempSubdirectory("typedkafka-windows-docs-").FullName;
        Environment.CurrentDirectory = directory;
        try
        {
            using var cluster = new LocalKafkaCluster();
            cluster.CreateTopic("clicks", partitions: 2);
            cluster.Produce("clicks", Enumerable.Range(0, 150).Select(i =>
                LocalMessage.FromStrings(i % 2, 1_767_225_600_000 + (i * 1000), $"user-{i % 7}", $"{{\"page\":{i}}}")));

            using var manager = new ConsumerManager(
                new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
                [SourceTopic.FromEarliest("clicks")]);
            using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1))
            {
                Grace = TimeSpan.FromSeconds(10),   // live mode: close a quiet window 10 s after its end
                EmitEmptyWindows = false,           // the default: skip windows without rows
            });

            var files = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (files.Count < 3 && DateTime.UtcNow < deadline)
            {
                var batch = manager.Poll(timeoutMs: 1000);             // the assembler takes ownership
                foreach (var window in assembler.Add(batch, manager.PrimingWatermark, manager.IsLive))
                {
                    using (window)                                      // frees the window's rows
                    {
                        // window.Start, window.End, window.RowCount, window.Batches, window.LateRows
                        files.Add(ParquetWindowFiles.Write(window, "out")); // out/2026-01-01T00-00-00Z.parquet
                    }
                }
            }

            Assert.Equal(["2026-01-01T00-00-00Z.parquet", "2026-01-01T00-01-00Z.parquet", "2026-01-01T00-02-00Z.parquet"], files.Select(Path.GetFileName));
            Assert.Equal([60, 60, 30], files.Select(f => Batches.ReadParquet(f).Count));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(directory, recursive: true);
        }
    }
}
