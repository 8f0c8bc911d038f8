namespace TypedKafka;

/// <summary>
/// Names the JSON member a property or positional parameter of a <see cref="KafkaMessageAttribute"/>
/// type is read from, and with it the Arrow column, overriding the naming policy and
/// <c>JsonPropertyName</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class KafkaFieldAttribute : Attribute
{
    /// <summary>Keeps the JSON member name the naming policy gives; use it to set <see cref="Column"/> alone.</summary>
    public KafkaFieldAttribute()
    {
    }

    /// <param name="name">The JSON member name, also the column name unless <see cref="Column"/> is set.</param>
    public KafkaFieldAttribute(string name) => Name = name;

    /// <summary>The JSON member name; null keeps the one the naming policy gives.</summary>
    public string? Name { get; }

    /// <summary>
    /// The Arrow column name when it must differ from the JSON member name, for instance when the
    /// JSON member is called like a metadata column (<c>key</c>, <c>topic</c>, <c>partition</c>,
    /// <c>offset</c>, <c>timestamp</c>).
    /// </summary>
    public string? Column { get; set; }
}
