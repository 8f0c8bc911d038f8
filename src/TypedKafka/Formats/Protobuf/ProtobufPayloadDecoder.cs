using Apache.Arrow;
using Confluent.SchemaRegistry;
using Google.Protobuf.Reflection;
using Field = Apache.Arrow.Field;

namespace TypedKafka.Formats.Protobuf;

/// <summary>
/// Protobuf values in Confluent's wire format (magic byte, schema id, message indexes, message),
/// decoded with the reader schema's message descriptor: protobuf's own evolution rules (fields
/// matched by number, unknown ones skipped, absent ones defaulted) need no resolution step. Each
/// writer schema id is checked once to name the same message as the reader's.
/// </summary>
internal sealed class ProtobufPayloadDecoder : PayloadDecoder
{
    private readonly ISchemaRegistryClient _registry;
    private readonly ProtoMessageReader _reader;
    private readonly string _messageName;
    private readonly Dictionary<int, (int[] Indexes, string? Failure)> _writers = [];
    private int[] _indexes = new int[8];

    public ProtobufPayloadDecoder(ISchemaRegistryClient registry, SchemaSource source, string? messageName)
    {
        _registry = registry;
        var (id, text, type) = source.Fetch(registry);
        if (type != SchemaType.Protobuf)
        {
            throw new ArgumentException($"ValueFormat.Protobuf: {source} is a {type} schema, not Protobuf.", nameof(source));
        }

        FileDescriptor file;
        try
        {
            file = ProtoSchemas.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"ValueFormat.Protobuf: {source} is not a .proto file this reader can use: {e.Message}", nameof(source), e);
        }

        var message = messageName is null
            ? file.MessageTypes.FirstOrDefault()
            : file.FindTypeByName<MessageDescriptor>(messageName) ?? file.FindTypeByName<MessageDescriptor>($"{file.Package}.{messageName}");
        if (message is null)
        {
            throw new ArgumentException(
                messageName is null ? $"ValueFormat.Protobuf: {source} defines no message." : $"ValueFormat.Protobuf: {source} defines no message '{messageName}'.",
                nameof(messageName));
        }

        _messageName = message.FullName;
        _reader = new ProtoMessageReader(message, asStruct: false, path: string.Empty);
        _writers[id] = (ProtoSchemas.IndexesOf(message), null);
    }

    public override IReadOnlyList<Field> Fields => _reader.Fields;

    public override void DecodeRow(ReadOnlySpan<byte> value)
    {
        var id = ConfluentWireFormat.ReadSchemaId(value, out var body);
        var input = new ProtoWire(body);
        var indexes = ProtoSchemas.ReadMessageIndexes(ref input, ref _indexes);
        CheckWriter(id, indexes);
        _reader.Read(body[input.Position..]);
    }

    public override void AppendNullRow()
    {
        foreach (var column in _reader.Columns)
        {
            column.AppendNull();
        }
    }

    public override void Truncate(int rows)
    {
        foreach (var column in _reader.Columns)
        {
            column.Truncate(rows);
        }
    }

    public override IArrowArray[] Build() => [.. _reader.Columns.Select(c => c.Build())];

    /// <summary>Once per schema id (and index path): the writer's message must be the reader's.</summary>
    private void CheckWriter(int id, ReadOnlySpan<int> indexes)
    {
        string? failure;
        if (_writers.TryGetValue(id, out var known) && indexes.SequenceEqual(known.Indexes))
        {
            failure = known.Failure;
        }
        else
        {
            // Rows of one schema id nearly always name one message: remember the last one checked.
            failure = Inspect(id, indexes);
            _writers[id] = (indexes.ToArray(), failure);
        }

        if (failure is not null)
        {
            throw new PayloadFormatException(failure);
        }
    }

    private string? Inspect(int id, ReadOnlySpan<int> indexes)
    {
        var (file, failure) = ProtoSchemas.FetchWriter(_registry, id);
        if (file is null)
        {
            return failure;
        }

        var message = ProtoSchemas.Find(file, indexes);
        return message is null
            ? $"schema id {id} has no message at indexes [{string.Join(", ", indexes.ToArray())}]"
            : message.FullName == _messageName ? null : $"schema id {id} writes message '{message.FullName}', not the reader's '{_messageName}'";
    }
}
