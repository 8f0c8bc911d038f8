namespace TypedKafka;

/// <summary>A decoded message with its key and where it was read from.</summary>
/// <param name="Key">The key; null (or 0 for int and long keys) when the message had none.</param>
/// <param name="Value">The decoded value.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Timestamp">The message timestamp, to the millisecond.</param>
public readonly record struct TypedRecord<TKey, T>(TKey? Key, T Value, string Topic, int Partition, long Offset, DateTimeOffset Timestamp);
