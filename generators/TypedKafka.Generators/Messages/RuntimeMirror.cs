namespace TypedKafka.Generators.Messages;

// The generator runs inside the compiler and cannot reference the TypedKafka runtime, so the few
// runtime enum values and column names it needs are copied here. Generators.Tests
// (RuntimeMirrorTests) ties every copy to its runtime original, so a change on one side fails the build's tests.

/// <summary>The values of <c>TypedKafka.KafkaEnumFormat</c>, as attribute arguments carry them.</summary>
internal static class EnumFormat
{
    public const int Name = 0;
    public const int Value = 1;
}

/// <summary>The values of <c>TypedKafka.KafkaFormat</c>, as attribute arguments carry them.</summary>
internal static class KafkaFormat
{
    public const int Json = 0;
    public const int Avro = 1;
    public const int Protobuf = 2;

    public static string Name(int format) => format switch
    {
        Avro => nameof(Avro),
        Protobuf => nameof(Protobuf),
        _ => nameof(Json),
    };
}

/// <summary>The names of the metadata columns of typed batches, which member columns may not take.</summary>
internal static class MetadataColumns
{
    /// <summary>In every typed batch (<c>_error</c> and <c>_raw_value</c> under the default bad-payload policy).</summary>
    public static readonly string[] Always = { "key", "topic", "partition", "offset", "timestamp", "_error", "_raw_value" };

    /// <summary>After <c>timestamp</c> when rows are ordered by an event time.</summary>
    public const string EventTime = "event_time";

    /// <summary>Last, when headers are read (<c>ConsumerOptions.IncludeHeaders</c>).</summary>
    public const string Headers = "headers";
}
