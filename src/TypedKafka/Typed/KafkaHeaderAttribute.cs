namespace TypedKafka;

/// <summary>
/// Reads a member of a <see cref="KafkaMessageAttribute"/> type from the Kafka header of this name
/// instead of from the value: a string as the header's UTF-8 text, a byte[] as its bytes, any other
/// type as the header's text read like a JSON scalar (<c>42</c>, <c>true</c>, <c>2026-12-07T06:00:00Z</c>,
/// an enum name). With repeated keys the last one counts. A missing header (or one with a null
/// value) makes a nullable member null and is a bad row for any other. Typed consumers of a type
/// with header members read headers whether or not <see cref="ConsumerOptions.IncludeHeaders"/> is set.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class KafkaHeaderAttribute : Attribute
{
    /// <param name="name">The header key, matched exactly (ordinal, case-sensitive) as Kafka keys are.</param>
    public KafkaHeaderAttribute(string name) => Name = name;

    /// <summary>The header key.</summary>
    public string Name { get; }
}
