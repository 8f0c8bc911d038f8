using Confluent.SchemaRegistry;
using TypedKafka.Formats;
using TypedKafka.Formats.Avro;

namespace TypedKafka;

/// <summary>
/// How a <see cref="ConsumerManager"/> decodes message values (<see cref="ConsumerOptions.ValueFormat"/>):
/// values in Confluent's wire format (a magic byte, a schema id, the encoded value), with their
/// schemas in a Schema Registry, decoded straight into one Arrow column per top-level field of the
/// reader schema, in place of the <c>value</c> column. The reader schema is read from the registry
/// when the consumer is created; values written with other schema versions are resolved to it.
/// </summary>
public abstract class ValueFormat
{
    private protected ValueFormat(ISchemaRegistryClient registry, string? subject, int? schemaId)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (subject is not null && string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException("The subject is empty: name one, or leave it null for the topic's '<topic>-value'.", nameof(subject));
        }

        if (schemaId is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(schemaId), schemaId, "Schema ids are positive.");
        }

        Registry = registry;
        Subject = subject;
        SchemaId = schemaId;
    }

    /// <summary>The registry the schemas are read from (Confluent's client: its caching and auth settings apply).</summary>
    public ISchemaRegistryClient Registry { get; }

    /// <summary>The subject whose latest version is the reader schema; null: <c>&lt;topic&gt;-value</c>, the default naming strategy.</summary>
    public string? Subject { get; }

    /// <summary>The reader schema's id, in place of a subject's latest version; null when not given.</summary>
    public int? SchemaId { get; }

    /// <summary>
    /// Avro values: records as structs, arrays as lists, maps as maps, unions of null and one type as
    /// that type (nullable), enums as utf8 symbols, fixed as fixed_size_binary; logical types
    /// date (date32), time-millis/micros, timestamp-millis/micros (timestamp, UTC), local timestamps,
    /// decimal (decimal128) and uuid (arrow.uuid). Values of other schema versions are read by Avro's
    /// resolution rules; a value that cannot be (wrong magic byte, an id the registry lacks, an
    /// incompatible writer schema, malformed data) is a bad row under <see cref="ConsumerOptions.BadPayloadPolicy"/>.
    /// </summary>
    /// <param name="registry">The Schema Registry client, for example Confluent's <c>CachedSchemaRegistryClient</c>.</param>
    /// <param name="subject">The subject whose latest version is the reader schema; default <c>&lt;topic&gt;-value</c> (one topic only).</param>
    /// <param name="schemaId">The reader schema's id, in place of a subject.</param>
    public static ValueFormat Avro(ISchemaRegistryClient registry, string? subject = null, int? schemaId = null) =>
        new AvroFormat(registry, subject, schemaId);

    /// <summary>
    /// Protobuf values, framed as Confluent's serializer does (magic byte, schema id, message
    /// indexes, message), read with the reader schema's message (a .proto file in the registry,
    /// parsed by protobuf-net.Reflection into Google.Protobuf descriptors): scalars as their Arrow
    /// types (int32, int64, uint32, uint64, float, double, bool, utf8, binary), enums as utf8 names,
    /// messages as structs, repeated fields as lists, maps as maps. Fields are matched by number, as
    /// protobuf evolves: fields the reader lacks are skipped, absent ones take proto3 defaults (null
    /// for messages and <c>optional</c> fields). A value written for another message, an unknown
    /// schema id or malformed bytes make a bad row under <see cref="ConsumerOptions.BadPayloadPolicy"/>.
    /// Imports (schema references) are not supported.
    /// </summary>
    /// <param name="registry">The Schema Registry client.</param>
    /// <param name="subject">The subject whose latest version is the reader schema; default <c>&lt;topic&gt;-value</c> (one topic only).</param>
    /// <param name="schemaId">The reader schema's id, in place of a subject.</param>
    /// <param name="messageName">The message to read, by name or full name; default the file's first message (Confluent's default).</param>
    public static ValueFormat Protobuf(ISchemaRegistryClient registry, string? subject = null, int? schemaId = null, string? messageName = null) =>
        new ProtobufFormat(registry, subject, schemaId, messageName);

    /// <summary>The decoder for a consumer of <paramref name="topics"/>; asks the registry for the reader schema.</summary>
    internal abstract PayloadDecoder CreateDecoder(IReadOnlyList<string> topics);

    /// <summary>The [KafkaMessage] format this value format reads.</summary>
    internal abstract KafkaFormat Kind { get; }

    /// <summary>The decoder of a typed record's values: its members are the reader schema, matched to each writer schema by name.</summary>
    /// <exception cref="NotSupportedException">The format has no typed decoder, or a member has no counterpart in it.</exception>
    internal virtual PayloadDecoder CreateMemberDecoder(Columns.MessageColumns members, string typeName) =>
        throw new NotSupportedException($"{typeName}: typed {this} records are not supported yet; read them with ConsumerManager and ValueFormat.{this}(registry).");

    /// <summary>Where the reader schema comes from for a consumer of <paramref name="topics"/>.</summary>
    private protected SchemaSource Source(IReadOnlyList<string> topics)
    {
        if (SchemaId is { } id)
        {
            return new SchemaSource(null, id);
        }

        if (Subject is { } subject)
        {
            return new SchemaSource(subject, null);
        }

        if (topics.Count != 1)
        {
            // One reader schema for several topics: which topic's subject is meant cannot be guessed.
            throw new ArgumentException(
                $"ValueFormat reads one schema for all topics; with {topics.Count} topics ({string.Join(", ", topics)}) name its subject or schema id.");
        }

        return new SchemaSource(topics[0] + "-value", null);
    }

    private sealed class AvroFormat(ISchemaRegistryClient registry, string? subject, int? schemaId) : ValueFormat(registry, subject, schemaId)
    {
        internal override PayloadDecoder CreateDecoder(IReadOnlyList<string> topics) => new AvroPayloadDecoder(Registry, Source(topics));

        internal override KafkaFormat Kind => KafkaFormat.Avro;

        internal override PayloadDecoder CreateMemberDecoder(Columns.MessageColumns members, string typeName)
        {
            var reader = (global::Avro.RecordSchema)global::Avro.Schema.Parse(MemberSchema.For(members, typeName));
            return new AvroPayloadDecoder(Registry, reader, $"the members of {typeName}");
        }

        public override string ToString() => "Avro";
    }

    private sealed class ProtobufFormat(ISchemaRegistryClient registry, string? subject, int? schemaId, string? messageName) : ValueFormat(registry, subject, schemaId)
    {
        internal override PayloadDecoder CreateDecoder(IReadOnlyList<string> topics) =>
            new Formats.Protobuf.ProtobufPayloadDecoder(Registry, Source(topics), messageName);

        internal override KafkaFormat Kind => KafkaFormat.Protobuf;

        internal override PayloadDecoder CreateMemberDecoder(Columns.MessageColumns members, string typeName)
        {
            if (messageName is not null)
            {
                // The members are matched to whichever message each value names: a reader message would be silently unused.
                throw new ArgumentException($"{typeName}'s members are matched by name to each value's message, so ValueFormat.Protobuf's messageName must be left null.");
            }

            return new Formats.Protobuf.ProtobufMemberDecoder(Registry, members, typeName);
        }

        public override string ToString() => "Protobuf";
    }
}
