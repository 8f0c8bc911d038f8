using BenchmarkDotNet.Attributes;
using TypedKafka.Engine;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The merge's tree alone: the cost of taking the least partition and entering its next key, as
/// the merge does for every released row, with keys interleaved round-robin as in
/// <see cref="EnginePartitionsBenchmarks"/> (each partition's next key is the largest of all, so
/// every change goes all the way up the tree).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet needs the class unsealed; the tree is disposed in [GlobalCleanup].")]
public class TournamentTreeBenchmarks
{
    private const int Operations = 1_000_000;
    private TournamentTree _tree = new(0);

    [Params(16, 256, 4096)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = new TournamentTree(Partitions);
        for (var p = 0; p < Partitions; p++)
        {
            _tree.Set(p, p + (p * 7 % 16 * 15));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _tree.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public long ReplaceMinKey()
    {
        long sum = 0;
        for (var n = 0; n < Operations; n++)
        {
            var (key, partition) = _tree.Min;
            sum += partition;
            _tree.ReplaceMinKey(key + Partitions);
        }

        return sum;
    }
}
