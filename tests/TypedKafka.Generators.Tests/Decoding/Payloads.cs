using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>A message as the consumer hands it to the decoder.</summary>
public sealed record Payload(string? Value, string? Key = "k", int Partition = 0, long Offset = -1, long TimestampMs = 1_767_225_600_000)
{
    public byte[]? ValueBytes { get; init; } = Value is null ? null : Encoding.UTF8.GetBytes(Value);

    public byte[]? KeyBytes { get; init; } = Key is null ? null : Encoding.UTF8.GetBytes(Key);
}

/// <summary>Decodes payloads the way <see cref="TypedConsumer{T}"/> does, without a broker.</summary>
internal static class Payloads
{
    public const string Topic = "trades";

    /// <summary>
    /// A batch of <see cref="Schemas.Message"/>, offsets counting from 0 unless given; with
    /// <paramref name="eventTime"/>, of <see cref="Schemas.MessageWithEventTime"/>, its event times read
    /// as the consumer reads them (the broker's timestamp where it reads none).
    /// </summary>
    public static RecordBatch MessageBatch(IReadOnlyList<Payload> payloads, MessageTimestamp? eventTime = null)
    {
        var eventTimes = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC"));
        var keys = new BinaryArray.Builder();
        var values = new BinaryArray.Builder();
        var topics = new StringArray.Builder();
        var partitions = new Int32Array.Builder();
        var offsets = new Int64Array.Builder();
        var timestamps = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC"));
        for (var i = 0; i < payloads.Count; i++)
        {
            var p = payloads[i];
            if (p.KeyBytes is null)
            {
                keys.AppendNull();
            }
            else
            {
                keys.Append(p.KeyBytes.AsSpan());
            }

            if (p.ValueBytes is null)
            {
                values.AppendNull();
            }
            else
            {
                values.Append(p.ValueBytes.AsSpan());
            }

            topics.Append(Topic);
            partitions.Append(p.Partition);
            offsets.Append(p.Offset >= 0 ? p.Offset : i);
            timestamps.Append(DateTimeOffset.FromUnixTimeMilliseconds(p.TimestampMs));
            if (eventTime is not null)
            {
                eventTimes.Append(DateTimeOffset.FromUnixTimeMilliseconds(eventTime(p.KeyBytes, p.ValueBytes, null) ?? p.TimestampMs));
            }
        }

        IArrowArray[] columns = [keys.Build(), values.Build(), topics.Build(), partitions.Build(), offsets.Build(), timestamps.Build()];
        return eventTime is null
            ? new RecordBatch(Schemas.Message, columns, payloads.Count)
            : new RecordBatch(Schemas.MessageWithEventTime, [.. columns, eventTimes.Build()], payloads.Count);
    }

    public static TypedBatch<T> Decode<T>(BadPayloadPolicy policy, params Payload[] payloads)
        where T : IArrowMessage<T> =>
        Decoder<T>(policy).Decode(payloads);

    public static TypedBatch<T> Decode<T>(params string[] values)
        where T : IArrowMessage<T> =>
        Decode<T>(BadPayloadPolicy.Skip, values.Select(v => new Payload(v)).ToArray());

    public static StringDecoder<T> Decoder<T>(BadPayloadPolicy policy = BadPayloadPolicy.Skip)
        where T : IArrowMessage<T> => new(new TypedBatchDecoder<T, string>(policy));

    public static TypedBatch<T, TKey> DecodeWithKeys<T, TKey>(params Payload[] payloads)
        where T : IArrowMessage<T> =>
        new TypedBatchDecoder<T, TKey>(BadPayloadPolicy.Skip).Decode(MessageBatch(payloads), (b, e, k, f) => new TypedBatch<T, TKey>(b, e, k, f));

    /// <summary>A decoder kept across batches, as a consumer keeps one.</summary>
    public sealed class StringDecoder<T>(TypedBatchDecoder<T, string> decoder)
        where T : IArrowMessage<T>
    {
        public Schema Schema => decoder.Schema;

        public long BadPayloadCount => decoder.BadPayloadCount;

        public TypedBatch<T> Decode(params Payload[] payloads) => Decode(MessageBatch(payloads, Columns.ArrowMessage.EventTimeOf<T>()?.Read));

        /// <summary>Decodes a batch of <see cref="Schemas.Message"/> and disposes it.</summary>
        public TypedBatch<T> Decode(RecordBatch messages) =>
            decoder.Decode(messages, (b, e, k, f) => new TypedBatch<T>(b, e, k, f));
    }
}
