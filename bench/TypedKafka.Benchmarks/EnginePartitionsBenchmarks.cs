using BenchmarkDotNet.Attributes;
using TypedKafka.Engine;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The engine's cost per message as the number of partitions grows, the total fixed: 163,840
/// messages (8-byte keys, 100-byte values) spread round-robin over <see cref="Partitions"/>
/// partitions of one topic, timestamps rising with the global sequence and skewed per partition
/// by up to 225 ms. Rounds of one poll's intake (10,000 messages), each followed by one release
/// of up to 10,000; then every partition reports its end and the rest is drained. A fresh engine
/// per invocation, so its start-up (per-partition state, chunks) is counted. <see cref="SmallPolls"/>
/// does the same in rounds of 100 messages, as polls go once a consumer keeps up (live, or a slow
/// producer): there, work per release that grows with the partition count is work per few messages.
/// <see cref="LongReplay"/> feeds one engine invocation after invocation, the offsets and timestamps
/// going on where the last left off: the cost per message of a replay long enough that each
/// partition's start-up (its state, its first chunks) no longer counts.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the long replay's engine in [GlobalCleanup] and needs the class unsealed.")]
public class EnginePartitionsBenchmarks
{
    internal const int TotalMessages = 163_840;
    private const int KeyBytes = 8;
    private const int ValueBytes = 100;
    private const int BatchSize = 10_000;
    private const int SmallPoll = 100;
    private const long BaseTimestampMs = 1_700_000_000_000;

    private readonly byte[] _keys = new byte[TotalMessages * KeyBytes];
    private readonly byte[] _values = new byte[TotalMessages * ValueBytes];
    private PartitionSpec[] _specs = [];
    private OrderedMergeEngine? _longReplay;
    private long _longReplaySequence;
    private long _longReplayReleased;

    [Params(1, 16, 256, 4096)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_values);
        for (var i = 0; i < TotalMessages; i++)
        {
            BitConverter.TryWriteBytes(_keys.AsSpan(i * KeyBytes, KeyBytes), (long)i);
        }

        _specs = [.. Enumerable.Range(0, Partitions).Select(p => new PartitionSpec("bench", p, 0, TotalMessages / Partitions))];
        _longReplay = new OrderedMergeEngine(
            [.. Enumerable.Range(0, Partitions).Select(p => new PartitionSpec("bench", p, 0, long.MaxValue))],
            new EngineOptions(CutoffMs: long.MaxValue, BatchSize: BatchSize));
        _longReplaySequence = 0;
        _longReplayReleased = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Nothing is lost across invocations: all delivered is released or still held.
        var held = _longReplay!.HeldMessageCount;
        _longReplay.Dispose();
        if (_longReplayReleased + held != _longReplaySequence)
        {
            throw new InvalidOperationException($"Long replay: delivered {_longReplaySequence}, released {_longReplayReleased}, held {held}.");
        }
    }

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long ReplayOrdered() => Replay(BatchSize);

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long SmallPolls() => Replay(SmallPoll);

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long LongReplay()
    {
        var engine = _longReplay!;
        long released = 0;
        for (var delivered = 0; delivered < TotalMessages; delivered += BatchSize)
        {
            for (var n = Math.Min(BatchSize, TotalMessages - delivered); n > 0; n--)
            {
                Deliver(engine, _longReplaySequence++);
            }

            // As a consumer's next poll does, release a backlog before taking more in: held rows stay level.
            do
            {
                released += EngineInput.ReleaseOnce(engine);
            }
            while (engine.HasBacklog);
        }

        _longReplayReleased += released;
        return released;
    }

    /// <summary>
    /// Delivers message number <paramref name="i"/> of the global sequence: round-robin over the
    /// partitions, its timestamp rising with the sequence and skewed per partition by up to 225 ms,
    /// its key and value taken from the input, which repeats past <see cref="TotalMessages"/>.
    /// </summary>
    private void Deliver(OrderedMergeEngine engine, long i)
    {
        var partition = (int)(i % Partitions);
        var slot = (int)(i % TotalMessages);
        var timestamp = BaseTimestampMs + i + (partition * 7 % 16 * 15);
        engine.Deliver(partition, i / Partitions, timestamp, _keys.AsSpan(slot * KeyBytes, KeyBytes), false, _values.AsSpan(slot * ValueBytes, ValueBytes), false);
    }

    private long Replay(int intake)
    {
        using var engine = new OrderedMergeEngine(_specs, new EngineOptions(CutoffMs: long.MaxValue, BatchSize: BatchSize));
        long released = 0;
        for (var i = 0; i < TotalMessages;)
        {
            for (var end = Math.Min(i + intake, TotalMessages); i < end; i++)
            {
                Deliver(engine, i);
            }

            released += EngineInput.ReleaseOnce(engine);
        }

        for (var p = 0; p < Partitions; p++)
        {
            engine.EndOfPartition(p, TotalMessages / Partitions);
        }

        while (engine.HeldMessageCount > 0)
        {
            released += EngineInput.ReleaseOnce(engine);
        }

        return released == TotalMessages
            ? released
            : throw new InvalidOperationException($"Released {released} of {TotalMessages} messages.");
    }
}
