using TypedKafka.Engine;

namespace TypedKafka.Benchmarks;

/// <summary>
/// In-memory input for the engine benchmarks: 16 partitions of one topic, 8-byte keys and 100-byte
/// values, timestamps interleaved across partitions with up to 225 ms of skew between them.
/// </summary>
internal sealed class EngineInput
{
    public const int Partitions = 16;
    public const int PerPartition = 10_000;
    public const int TotalMessages = Partitions * PerPartition;
    public const int KeyBytes = 8;
    public const int ValueBytes = 100;
    public const int BatchSize = 10_000;
    public const long BaseTimestampMs = 1_700_000_000_000;

    private readonly byte[] _keys = new byte[TotalMessages * KeyBytes];
    private readonly byte[] _values = new byte[TotalMessages * ValueBytes];

    public EngineInput()
    {
        new Random(42).NextBytes(_values);
        for (var p = 0; p < Partitions; p++)
        {
            for (var seq = 0; seq < PerPartition; seq++)
            {
                BitConverter.TryWriteBytes(Key(p, seq), ((long)p << 32) | (uint)seq);
            }
        }
    }

    public static EngineOptions Options { get; } = new(CutoffMs: long.MaxValue, BatchSize: BatchSize);

    public static PartitionSpec[] Specs(long endOffset) =>
        [.. Enumerable.Range(0, Partitions).Select(p => new PartitionSpec("bench", p, 0, endOffset))];

    /// <summary>Each partition's timestamps increase with its offsets; partitions are skewed against each other.</summary>
    public static long Timestamp(int partition, long sequence) => BaseTimestampMs + (sequence * 16) + partition + ((partition * 7 % 16) * 15);

    public Span<byte> Key(int partition, long sequence) => _keys.AsSpan(Slot(partition, sequence) * KeyBytes, KeyBytes);

    public ReadOnlySpan<byte> Value(int partition, long sequence) => _values.AsSpan(Slot(partition, sequence) * ValueBytes, ValueBytes);

    /// <summary>Delivers <paramref name="perPartition"/> messages to each partition from <paramref name="sequence"/> on.</summary>
    public void DeliverRound(OrderedMergeEngine engine, long sequence, int perPartition)
    {
        for (var p = 0; p < Partitions; p++)
        {
            for (var s = sequence; s < sequence + perPartition; s++)
            {
                engine.Deliver(p, s, Timestamp(p, s), Key(p, s), false, Value(p, s), false);
            }
        }
    }

    public static int ReleaseOnce(OrderedMergeEngine engine)
    {
        using var batch = engine.Release();
        return batch.Length;
    }

    private static int Slot(int partition, long sequence) => (partition * PerPartition) + (int)(sequence % PerPartition);
}
