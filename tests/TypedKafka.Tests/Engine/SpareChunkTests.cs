using TypedKafka.Engine;
using Xunit.Abstractions;

namespace TypedKafka.Tests.Engine;

/// <summary>The process-wide spare chunks and rings are shared by every engine: these tests run alone.</summary>
[CollectionDefinition(nameof(SpareChunks), DisableParallelization = true)]
public sealed class SpareChunks;

[Collection(nameof(SpareChunks))]
public sealed class SpareChunkTests(ITestOutputHelper output)
{
    private const int Partitions = 256;
    private static readonly int RingBytes = BufferPools.MinRingLength * System.Runtime.CompilerServices.Unsafe.SizeOf<HeldMessage>();

    [Fact]
    public void An_engine_started_after_another_was_disposed_takes_its_chunks_and_rings_instead_of_allocating_them()
    {
        DrainSpare();
        var first = AllocatedByAReplay();
        var second = AllocatedByAReplay();

        // Each of the 256 partitions writes into a 1 KiB chunk and indexes its messages in a ring of
        // 8 (448 B): 368 KiB that the second replay finds spare. What it allocates anyway, each
        // partition's state and the Arrow batches, is under 1 KiB a partition (about 615 B here);
        // taking either the chunks or the rings anew would put it above (1,241 B with new rings).
        output.WriteLine($"first replay allocated {first:N0} B, the second {second:N0} B");
        Assert.True(first > Partitions * (BufferPools.MinChunkSize + RingBytes), $"The first replay allocated {first:N0} B.");
        Assert.True(second < Partitions * BufferPools.MinChunkSize, $"The second replay allocated {second:N0} B, the first {first:N0} B.");
    }

    /// <summary>Takes every spare chunk and ring (of each length, until one is allocated) so that the replays start from none.</summary>
    private static void DrainSpare()
    {
        using var pools = new BufferPools(maxRetainedBytes: 0);
        Drain(pools.Chunks, BufferPools.MinChunkSize, BufferPools.ChunkSize);
        Drain(pools.Rings, BufferPools.MinRingLength, BufferPools.MaxPooledRingLength);
    }

    private static void Drain<T>(ChunkPool<T> pool, int minLength, int maxLength)
        where T : unmanaged
    {
        for (var length = minLength; length <= maxLength; length *= 2)
        {
            long before;
            do
            {
                before = GC.GetAllocatedBytesForCurrentThread();
                pool.Rent(length, length);
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
