namespace TypedKafka;

/// <summary>
/// Marks a partial record, class or struct whose JSON payloads TypedKafka decodes into Arrow
/// columns: the source generator emits its Arrow schema, a decoder from UTF-8 JSON straight into
/// Arrow buffers and the materialization of rows back into instances (see docs/typed-messages.md).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class KafkaMessageAttribute : Attribute
{
    /// <summary>
    /// How member names become JSON member and column names when neither <see cref="KafkaFieldAttribute"/>
    /// nor <c>JsonPropertyName</c> names them. Default: as declared.
    /// </summary>
    public KafkaNamingPolicy NamingPolicy { get; set; }

    /// <summary>How enum members are stored. Default: by name, in a utf8 column.</summary>
    public KafkaEnumFormat EnumFormat { get; set; }

    /// <summary>
    /// How values are encoded. Default: UTF-8 JSON. <see cref="KafkaFormat.Avro"/>: Avro in Confluent's
    /// wire format, read with the writer schema from the registry that
    /// <see cref="ConsumerOptions.ValueFormat"/> (<c>ValueFormat.Avro(registry)</c>) names, its fields
    /// matched to the members by name.
    /// </summary>
    public KafkaFormat Format { get; set; }
}

/// <summary>How member names become JSON member and column names.</summary>
public enum KafkaNamingPolicy
{
    /// <summary><c>TradeTime</c> stays <c>TradeTime</c>.</summary>
    AsDeclared,

    /// <summary><c>TradeTime</c> becomes <c>tradeTime</c>.</summary>
    CamelCase,

    /// <summary><c>TradeTime</c> becomes <c>trade_time</c>.</summary>
    SnakeCaseLower,

    /// <summary><c>TradeTime</c> becomes <c>TRADE_TIME</c>.</summary>
    SnakeCaseUpper,

    /// <summary><c>TradeTime</c> becomes <c>trade-time</c>.</summary>
    KebabCaseLower,

    /// <summary><c>TradeTime</c> becomes <c>TRADE-TIME</c>.</summary>
    KebabCaseUpper,
}

/// <summary>How enum members are read from JSON and stored in Arrow.</summary>
public enum KafkaEnumFormat
{
    /// <summary>
    /// A utf8 column of member names. JSON may hold the name (matched exactly, then ignoring ASCII
    /// case) or the number of a defined member.
    /// </summary>
    Name,

    /// <summary>
    /// A column of the enum's underlying integer type. JSON may hold any number (flag combinations
    /// included) or the name of a defined member.
    /// </summary>
    Value,
}
