namespace TypedKafka.Telemetry;

/// <summary>Attribute names and values of OpenTelemetry's messaging semantic conventions (and Kafka's part of them) that TypedKafka sets.</summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string Kafka = "kafka";
    public const string ClientId = "messaging.client.id";
    public const string ConsumerGroup = "messaging.consumer.group.name";
    public const string Destination = "messaging.destination.name";
    public const string PartitionId = "messaging.destination.partition.id";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string BatchMessageCount = "messaging.batch.message_count";
    public const string ErrorType = "error.type";

    /// <summary>Kafka's name for taking messages from the client (operation type <c>receive</c>).</summary>
    public const string Poll = "poll";

    /// <summary>Handing messages to the application's code (operation name and type).</summary>
    public const string Process = "process";
}
