namespace TypedKafka.Telemetry;

/// <summary>
/// Attribute names and values of OpenTelemetry's messaging semantic conventions (and Kafka's part of
/// them) that TypedKafka sets: on the consumers' instruments and on a host's <c>process</c> activities.
/// </summary>
public static class MessagingAttributes
{
    /// <summary><c>messaging.system</c>, whose value is <see cref="Kafka"/>.</summary>
    public const string System = "messaging.system";

    /// <summary>The value of <see cref="System"/>.</summary>
    public const string Kafka = "kafka";

    /// <summary><c>messaging.client.id</c>: the Kafka client's id.</summary>
    public const string ClientId = "messaging.client.id";

    /// <summary><c>messaging.consumer.group.name</c>.</summary>
    public const string ConsumerGroup = "messaging.consumer.group.name";

    /// <summary><c>messaging.destination.name</c>: the topic.</summary>
    public const string Destination = "messaging.destination.name";

    /// <summary><c>messaging.destination.partition.id</c>.</summary>
    public const string PartitionId = "messaging.destination.partition.id";

    /// <summary><c>messaging.operation.name</c>.</summary>
    public const string OperationName = "messaging.operation.name";

    /// <summary><c>messaging.operation.type</c>.</summary>
    public const string OperationType = "messaging.operation.type";

    /// <summary><c>messaging.batch.message_count</c>.</summary>
    public const string BatchMessageCount = "messaging.batch.message_count";

    /// <summary><c>error.type</c>.</summary>
    public const string ErrorType = "error.type";

    /// <summary>Kafka's name for taking messages from the client (operation type <c>receive</c>).</summary>
    public const string Poll = "poll";

    /// <summary>Handing messages to the application's code (operation name and type).</summary>
    public const string Process = "process";
}
