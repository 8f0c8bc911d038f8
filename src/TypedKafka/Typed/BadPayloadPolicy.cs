namespace TypedKafka;

/// <summary>What a typed consumer does with a message whose key or value cannot be decoded.</summary>
public enum BadPayloadPolicy
{
    /// <summary>
    /// Keep the row with null members, its raw value in <c>_raw_value</c> and the reason in
    /// <c>_error</c>; leave it out of <see cref="TypedBatch{T, TKey}.Rows"/>, list it in
    /// <see cref="TypedBatch{T, TKey}.Errors"/> and count it. A year of history does not stop at one bad message.
    /// </summary>
    Skip,

    /// <summary>Throw <see cref="BadPayloadException"/> naming the topic, partition, offset and reason.</summary>
    Fail,
}
