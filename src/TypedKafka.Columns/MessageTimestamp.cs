using Confluent.Kafka;

namespace TypedKafka;

/// <summary>
/// Reads a message's event time (Unix ms) from its key, value and headers, for
/// <c>ConsumerOptions.Timestamp</c>; null means "order by the broker's timestamp". An
/// exception fails the poll, naming the message's topic, partition and offset.
/// </summary>
/// <param name="key">The key's bytes; empty when the key is null.</param>
/// <param name="value">The value's bytes; empty when the value is null.</param>
/// <param name="headers">The message's headers, or null when it has none.</param>
public delegate long? MessageTimestamp(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Headers? headers);
