using Apache.Arrow;
using Confluent.SchemaRegistry;
using TypedKafka.Columns;
using Field = Apache.Arrow.Field;

namespace TypedKafka.Formats.Protobuf;

/// <summary>
/// Protobuf values in Confluent's wire format decoded into a [KafkaMessage(Format = KafkaFormat.Protobuf)]
/// type's member columns (the same Arrow types as from JSON). There is no reader schema: the members
/// are matched by name to the fields of whichever message each value's schema id and message indexes
/// name, bound once per id (<see cref="ProtoMemberReader"/>) and remembered, failures too, so rows
/// of a writer that cannot fill the members are bad rows at no further cost.
/// </summary>
internal sealed class ProtobufMemberDecoder : PayloadDecoder
{
    private readonly ISchemaRegistryClient _registry;
    private readonly ProtoMemberTarget[] _members;
    private readonly FormatColumn[] _columns;
    private readonly string _typeName;
    private readonly Dictionary<int, (int[] Indexes, ProtoMemberReader? Reader, string? Failure)> _writers = [];
    private int[] _indexes = new int[8];

    /// <exception cref="NotSupportedException">A member's type has no Protobuf counterpart.</exception>
    public ProtobufMemberDecoder(ISchemaRegistryClient registry, MessageColumns members, string typeName)
    {
        _registry = registry;
        _typeName = typeName;
        _members = ProtoMemberTarget.For(members, string.Empty);
        _columns = [.. _members.Select(m => m.Column)];
        Fields = members.Fields;
    }

    public override IReadOnlyList<Field> Fields { get; }

    public override void DecodeRow(ReadOnlySpan<byte> value)
    {
        var id = ConfluentWireFormat.ReadSchemaId(value, out var body);
        var input = new ProtoWire(body);
        var indexes = ProtoSchemas.ReadMessageIndexes(ref input, ref _indexes);
        ReaderFor(id, indexes).Read(body[input.Position..]);
    }

    public override void AppendNullRow()
    {
        foreach (var column in _columns)
        {
            column.AppendNull();
        }
    }

    public override void Truncate(int rows)
    {
        foreach (var column in _columns)
        {
            column.Truncate(rows);
        }
    }

    public override IArrowArray[] Build() => [.. _columns.Select(c => c.Build())];

    private ProtoMemberReader ReaderFor(int id, ReadOnlySpan<int> indexes)
    {
        if (!_writers.TryGetValue(id, out var entry) || !indexes.SequenceEqual(entry.Indexes))
        {
            // Rows of one schema id nearly always name one message: the last one bound is kept.
            var (reader, failure) = Bind(id, indexes);
            entry = (indexes.ToArray(), reader, failure);
            _writers[id] = entry;
        }

        return entry.Reader ?? throw new PayloadFormatException(entry.Failure!);
    }

    private (ProtoMemberReader?, string?) Bind(int id, ReadOnlySpan<int> indexes)
    {
        var (file, failure) = ProtoSchemas.FetchWriter(_registry, id);
        if (file is null)
        {
            return (null, failure);
        }

        var message = ProtoSchemas.Find(file, indexes);
        if (message is null)
        {
            return (null, $"schema id {id} has no message at indexes [{string.Join(", ", indexes.ToArray())}]");
        }

        try
        {
            return (new ProtoMemberReader(message, _members, target: null), null);
        }
        catch (ProtoBindingException e)
        {
            return (null, $"writer schema id {id} ({message.FullName}) cannot be read as the members of {_typeName}: {e.Message}");
        }
    }
}
