namespace TypedKafka;

/// <summary>How a [KafkaMessage] type's values are encoded.</summary>
public enum KafkaFormat
{
    /// <summary>UTF-8 JSON objects, one member per property.</summary>
    Json,

    /// <summary>Avro records in Confluent's wire format, with their writer schemas in a Schema Registry.</summary>
    Avro,

    /// <summary>Protobuf messages in Confluent's wire format, with their writer schemas in a Schema Registry; fields matched to members by name.</summary>
    Protobuf,
}
