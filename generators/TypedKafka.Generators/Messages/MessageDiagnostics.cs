using Microsoft.CodeAnalysis;

namespace TypedKafka.Generators.Messages;

/// <summary>The source generator's diagnostics, <c>TK1xxx</c>. Each message names the type and member at fault and what to change.</summary>
internal static class MessageDiagnostics
{
    public const string Category = "TypedKafka.Messages";

    private const string HelpPage = "https://github.com/typedkafka/typedkafka/blob/main/docs/diagnostics.md";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "TK1001",
        title: "[KafkaMessage] type must be partial",
        message: "'{0}' must be declared partial so that the generator can add the Arrow schema, decoder and reader of '{1}' to it",
        description: "The generator implements IArrowMessage<T> in a second part of the type (and of every type it is nested in), which needs the partial modifier.");

    public static readonly DiagnosticDescriptor UnsupportedMemberType = Create(
        "TK1002",
        title: "Member type has no Arrow mapping",
        message: "Member '{0}' of '{1}' has type '{2}', which has no Arrow mapping: {3}",
        description: "Members can be string, bool, integers, float, double, decimal, DateTime, DateTimeOffset, DateOnly, TimeSpan, Guid, enums, byte[], nullable forms of these, arrays and lists of them, and other [KafkaMessage] types.");

    public static readonly DiagnosticDescriptor DuplicateName = Create(
        "TK1003",
        title: "Column or JSON member name is taken",
        message: "Member '{0}' of '{1}' cannot use the name '{2}': {3}",
        description: "Every member needs its own JSON member name and its own column name, and a column may not be named like a metadata column of typed batches (key, topic, partition, offset, timestamp, _error, _raw_value).");

    public static readonly DiagnosticDescriptor NotConstructible = Create(
        "TK1004",
        title: "No usable constructor or setter",
        message: "'{0}' cannot be built from its columns: {1}",
        description: "Rows are materialized by calling one constructor (the one marked [JsonConstructor], the primary constructor of a record, the parameterless one, or the only one) and setting the remaining members, so every member needs a constructor parameter of the same name or a setter or init accessor.");

    public static readonly DiagnosticDescriptor UnsupportedType = Create(
        "TK1005",
        title: "Type cannot be a [KafkaMessage] type",
        message: "'{0}' cannot be a [KafkaMessage] type: {1}",
        description: "[KafkaMessage] types are non-generic classes, records and structs, not nested in generic types.");

    public static readonly DiagnosticDescriptor SeveralEventTimes = Create(
        "TK1006",
        title: "More than one [EventTime] member",
        message: "Member '{0}' of '{1}' cannot be marked [EventTime]: member '{2}' already is",
        description: "A message has one event time, which its rows are ordered by; mark one member [EventTime].");

    public static readonly DiagnosticDescriptor UnsupportedEventTimeType = Create(
        "TK1007",
        title: "[EventTime] member type is not a time",
        message: "Member '{0}' of '{1}' has type '{2}', which cannot be an event time; use DateTimeOffset, DateTime or a long of Unix milliseconds",
        description: "The event time is read as Unix milliseconds from a DateTimeOffset or DateTime (an ISO 8601 string) or a long (Unix milliseconds), nullable or not.");

    public static readonly DiagnosticDescriptor UnsupportedHeaderMember = Create(
        "TK1008",
        title: "[KafkaHeader] member cannot be read from a header",
        message: "Member '{0}' of '{1}' cannot be read from header '{2}': {3}",
        description: "A header member is a string (the header's UTF-8 text), a byte[] (its bytes), or a scalar read like a JSON scalar from the header's text (bool, numbers, decimal, DateTime, DateTimeOffset, DateOnly, TimeSpan, Guid, enums), nullable or not; it is read from the header alone, so it cannot also be an [EventTime] member or carry [KafkaField].");

    public static readonly DiagnosticDescriptor UnsupportedFormatMember = Create(
        "TK1009",
        title: "The message's format cannot carry the member",
        message: "{0} cannot be read from {1} values: {2}",
        description: "[KafkaMessage(Format = KafkaFormat.Avro)] members are matched by name to Avro fields and decoded into the same Arrow columns as JSON: string, bool, int, long, float, double, byte[], DateTime and DateTimeOffset (timestamp-millis or -micros), DateOnly (date), Guid (uuid), enums by name (Avro enums of the same name), lists and [KafkaMessage] types. [KafkaMessage(Format = KafkaFormat.Protobuf)] members are matched by name to the writer message's fields: string, bool, int, long, uint, ulong, float, double, byte[], enums by name, lists (repeated fields) and [KafkaMessage] types (messages); times, dates, Guid, decimal and TimeSpan need well-known types or have no Protobuf type. Header members and [EventTime] members are read from JSON only.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpPage + "#" + id.ToLowerInvariant());
}
