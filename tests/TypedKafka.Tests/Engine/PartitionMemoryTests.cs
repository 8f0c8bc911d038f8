using TypedKafka.Engine;
using Xunit.Abstractions;

namespace TypedKafka.Tests.Engine;

/// <summary>What a partition costs while it holds nothing: thousands of them must not each take a 64 KiB chunk.</summary>
public sealed class PartitionMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void A_partition_that_holds_nothing_takes_under_4_KiB()
    {
        const int partitions = 4096;
        var specs = Enumerable.Range(0, partitions).Select(p => new PartitionSpec("many", p, 0, 100)).ToList();
        var options = new EngineOptions(CutoffMs: long.MaxValue, BatchSize: 10_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        using var engine = new OrderedMergeEngine(specs, options);
        var perPartition = (GC.GetAllocatedBytesForCurrentThread() - before) / partitions;

        output.WriteLine($"{perPartition:N0} B allocated per partition at construction");
        Assert.True(perPartition < 4096, $"{perPartition:N0} B per partition.");
    }
}
