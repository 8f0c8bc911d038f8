using TypedKafka.Engine;
using Xunit.Abstractions;

namespace TypedKafka.Tests.Engine;

/// <summary>The process-wide spare chunks are shared by every engine: these tests run alone.</summary>
[CollectionDefinition(nameof(SpareChunks), DisableParallelization = true)]
public sealed class SpareChunks;

[Collection(nameof(SpareChunks))]
public sealed class SpareChunkTests(ITestOutputHelper output)
{
    private const int Partitions = 256;

    [Fact]
    public void An_engine_started_after_another_was_disposed_takes_its_chunks_instead_of_allocating_them()
    {
        DrainSpare();
        var first = AllocatedByAReplay();
        var second = AllocatedByAReplay();

        // Each of the 256 partitions writes into a 4 KiB chunk: 1 MiB that the second replay finds
        // spare. Half of it is the margin for what else the replays allocate (rings the shared
        // ArrayPool may or may not hand back, Arrow's objects).
        output.WriteLine($"first replay allocated {first:N0} B, the second {second:N0} B");
        Assert.True(first > Partitions * ChunkPool.MinChunkSize, $"The first replay allocated {first:N0} B.");
        Assert.True(second < first - (Partitions * ChunkPool.MinChunkSize / 2), $"The second replay allocated {second:N0} B, the first {first:N0} B.");
    }

    /// <summary>Takes every spare chunk (of each size, until one is allocated) so that the replays start from none.</summary>
    private static void DrainSpare()
    {
        using var pool = new ChunkPool(maxRetained: 0);
        for (var size = ChunkPool.MinChunkSize; size <= PartitionBuffer.ChunkSize; size *= 2)
        {
            long before;
            do
            {
                before = GC.GetAllocatedBytesForCurrentThread();
                pool.Rent(size, size);
            }
            while (GC.GetAllocatedBytesForCurrentThread() == before);
        }
    }

    private static long AllocatedByAReplay()
    {
        var specs = Enumerable.Range(0, Partitions).Select(p => new PartitionSpec("spare", p, 0, 10)).ToList();
        var value = new byte[100];
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var engine = new OrderedMergeEngine(specs, new EngineOptions(CutoffMs: long.MaxValue, BatchSize: 10_000)))
        {
            for (var offset = 0; offset < 10; offset++)
            {
                for (var p = 0; p < Partitions; p++)
                {
                    engine.Deliver(p, offset, 1_000 + (offset * Partitions) + p, default, true, value, false);
                }
            }

            for (var p = 0; p < Partitions; p++)
            {
                engine.EndOfPartition(p, 10);
            }

            while (engine.HeldMessageCount > 0)
            {
                engine.Release().Dispose();
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
