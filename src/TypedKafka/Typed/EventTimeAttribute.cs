namespace TypedKafka;

/// <summary>
/// Marks the member of a <see cref="KafkaMessageAttribute"/> type that holds the message's event
/// time: a <see cref="DateTimeOffset"/>, a <see cref="DateTime"/> (read as UTC when the text has no
/// offset) or a <see cref="long"/> of Unix milliseconds, nullable or not. A
/// <see cref="TypedConsumer{T, TKey}"/> then orders rows by it instead of the broker's timestamp
/// (see <see cref="ConsumerOptions.Timestamp"/>); a message without a readable event time is a bad
/// row under the <see cref="BadPayloadPolicy"/>. One member per type.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class EventTimeAttribute : Attribute
{
}
