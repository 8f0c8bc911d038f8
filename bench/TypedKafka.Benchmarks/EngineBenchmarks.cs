using BenchmarkDotNet.Attributes;
using TypedKafka.Engine;
using static TypedKafka.Benchmarks.EngineInput;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The ordered-merge engine alone, fed from memory the way a consumer feeds it. Each round
/// delivers <see cref="IntakePerRound"/> messages spread over 16 partitions and releases one
/// batch of at most 10,000; at the end every partition reports its end and the rest is drained.
/// One invocation replays 160,000 messages through a fresh engine, so time and allocation are
/// per message, the engine's start-up included.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class EngineBenchmarks
{
    private readonly EngineInput _input = new();

    /// <summary>
    /// 10,000: one poll's intake, what <c>ConsumerManager</c> takes in before each release.
    /// 16,000: more comes in than a batch takes out, so a backlog of up to 70,000 builds (as when
    /// a consumer ignored the engine's pause decisions).
    /// </summary>
    [Params(10_000, 16_000)]
    public int IntakePerRound { get; set; }

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long ReplayOrdered()
    {
        using var engine = new OrderedMergeEngine(Specs(PerPartition), Options);
        var perPartition = IntakePerRound / Partitions;
        long released = 0;
        for (var sequence = 0; sequence < PerPartition; sequence += perPartition)
        {
            _input.DeliverRound(engine, sequence, Math.Min(perPartition, PerPartition - sequence));
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

        return released == TotalMessages
            ? released
            : throw new InvalidOperationException($"Released {released} of {TotalMessages} messages.");
    }
}

/// <summary>
/// The same rounds of one poll's intake (10,000) through one engine that lives across
/// invocations, as in a long-running consumer: start-up is paid once, not per 160,000 messages.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the engine in [GlobalCleanup] and needs the class unsealed.")]
public class EngineSteadyStateBenchmarks
{
    private readonly EngineInput _input = new();
    private OrderedMergeEngine? _engine;
    private long _sequence;

    [GlobalSetup]
    public void Setup() =>
        // Ranges that never end: the engine stays in replay, releasing up to the watermark.
        _engine = new OrderedMergeEngine(Specs(long.MaxValue), Options);

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();

    [Benchmark(OperationsPerInvoke = TotalMessages)]
    public long SteadyState()
    {
        const int perPartition = BatchSize / Partitions;
        long released = 0;
        for (var round = 0; round < TotalMessages / BatchSize; round++)
        {
            _input.DeliverRound(_engine!, _sequence, perPartition);
            _sequence += perPartition;
            released += ReleaseOnce(_engine!);
        }

        return released;
    }
}
