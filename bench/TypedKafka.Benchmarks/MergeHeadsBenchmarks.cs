using BenchmarkDotNet.Attributes;
using TypedKafka.Engine;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The merge's heads alone: the cost of taking the least partition and entering its next key, as
/// the merge does for every released row, with keys interleaved round-robin (each partition's next
/// key is the largest of all, so in the tree every change goes all the way up). One head a
/// millisecond, as in <see cref="EnginePartitionsBenchmarks"/>, or forty, as thousands of
/// partitions read at a high rate have. The engine's <see cref="TimestampQueue"/> against the
/// <see cref="TournamentTree"/> it keeps for keys outside its window.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet needs the class unsealed; both are disposed in [GlobalCleanup].")]
public class MergeHeadsBenchmarks
{
    private const int Operations = 1_000_000;
    private TournamentTree _tree = new(0);
    private TimestampQueue _queue = new(0);

    private long _step;

    [Params(16, 256, 4096)]
    public int Partitions { get; set; }

    [Params(1, 40)]
    public int HeadsPerMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = new TournamentTree(Partitions);
        _queue = new TimestampQueue(Partitions);
        _step = Math.Max(1, Partitions / HeadsPerMs);
        for (var p = 0; p < Partitions; p++)
        {
            _tree.Set(p, p / HeadsPerMs);
            _queue.Set(p, p / HeadsPerMs);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tree.Dispose();
        _queue.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public long Tree()
    {
        long sum = 0;
        for (var n = 0; n < Operations; n++)
        {
            var (key, partition) = _tree.Min;
            sum += partition;
            _tree.Set(partition, key + _step);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long Queue()
    {
        long sum = 0;
        for (var n = 0; n < Operations; n++)
        {
            var (key, partition) = _queue.Min;
            sum += partition;
            _queue.ReplaceMinKey(key + _step);
        }

        return sum;
    }
}
