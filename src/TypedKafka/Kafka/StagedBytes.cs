using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>Where a key or value landed in the <see cref="StagingArea"/>; <see cref="Length"/> -1 is null.</summary>
internal readonly record struct StagedBytes(int Start, int Length)
{
    public static StagedBytes Null { get; } = new(0, -1);

    public bool IsNull => Length < 0;
}

/// <summary>
/// A reusable buffer the client's deserializers copy each message's key and value into.
/// Confluent's deserializers are not told the partition, so bytes cannot go straight into the
/// partition's buffer; they wait here, hot in cache, until the message is handed to the engine.
/// </summary>
internal sealed class StagingArea
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _used;

    public ReadOnlySpan<byte> this[StagedBytes staged] => staged.IsNull ? default : _buffer.AsSpan(staged.Start, staged.Length);

    public void Reset() => _used = 0;

    public StagedBytes Stage(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length - _used < data.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_used));
        var staged = new StagedBytes(_used, data.Length);
        _used += data.Length;
        return staged;
    }
}

internal sealed class StagingDeserializer(StagingArea area) : IDeserializer<StagedBytes>
{
    public StagedBytes Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? StagedBytes.Null : area.Stage(data);
}
