using BenchmarkDotNet.Attributes;
using TypedKafka.Engine;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The ordered-merge engine alone, fed from memory the way a consumer would feed it: 16
/// partitions of one topic, 8-byte keys and 100-byte values, delivered in rounds of
/// <see cref="PerRound"/> messages per partition with one <see cref="OrderedMergeEngine.Release"/>
/// per round, then end of partition everywhere and a drain. One invocation replays
/// <see cref="TotalMessages"/> messages through a fresh engine, so the reported time and
/// allocation are per message (the engine's construction and its buffers' first growth included).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class EngineBenchmarks
{
    public const int Partitions = 16;
    public const int PerPartition = 10_000;
    public const int PerRound = 1_000;
    public const int TotalMessages = Partitions * PerPartition;
    public const int KeyBytes = 8;
    public const int ValueBytes = 100;
    public const int BatchSize = 10_000;
    private const string Topic = "bench";
    private const long BaseTimestampMs = 1_700_000_000_000;

    private readonly PartitionSpec[] _specs = new PartitionSpec[Partitions];
    private readonly EngineOptions _options = new(CutoffMs: long.MaxValue, BatchSize: BatchSize);

    // Every message's key and value, distinct bytes laid out per partition in offset order.
    private byte[] _keys = [];
    private byte[] _values = [];
    private long[] _timestamps = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _keys = new byte[TotalMessages * KeyBytes];
        _values = new byte[TotalMessages * ValueBytes];
        _timestamps = new long[TotalMessages];
        random.NextBytes(_values);
        for (var p = 0; p < Partitions; p++)
        {
            _specs[p] = new PartitionSpec(Topic, p, 0, PerPartition);

            // Partitions run up to 105 ms apart; each one's timestamps increase with its offsets.
            var skewMs = (p * 7 % 16) * 15;
            for (var seq = 0; seq < PerPartition; seq++)
            {
                var at = (p * PerPartition) + seq;
                _timestamps[at] = BaseTimestampMs + (seq * 16L) + p + skewMs;
                BitConverter.TryWriteBytes(_keys.AsSpan(at * KeyBytes, KeyBytes), ((long)p << 32) | (uint)seq);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long ReplayOrdered()
    {
        using var engine = new OrderedMergeEngine(_specs, _options);
        long released = 0;
        for (var start = 0; start < PerPartition; start += PerRound)
        {
            for (var p = 0; p < Partitions; p++)
            {
                for (var seq = start; seq < start + PerRound; seq++)
                {
                    var at = (p * PerPartition) + seq;
                    engine.Deliver(
                        p,
                        seq,
                        _timestamps[at],
                        _keys.AsSpan(at * KeyBytes, KeyBytes),
                        keyIsNull: false,
                        _values.AsSpan(at * ValueBytes, ValueBytes),
                        valueIsNull: false);
                }
            }

            released += ReleaseOnce(engine);
        }

        for (var p = 0; p < Partitions; p++)
        {
            engine.EndOfPartition(p, PerPartition);
        }

        while (engine.HeldMessageCount > 0)
        {
            released += ReleaseOnce(engine);
        }

        if (released != TotalMessages)
        {
            throw new InvalidOperationException($"Released {released} of {TotalMessages} messages.");
        }

        return released;
    }

    private static int ReleaseOnce(OrderedMergeEngine engine)
    {
        using var batch = engine.Release();
        return batch.Length;
    }
}
