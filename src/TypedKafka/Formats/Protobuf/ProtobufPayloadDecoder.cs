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
        var count = ZigZag(input.ReadVarint());
        var indexCount = count == 0 ? 1 : count;
        if (indexCount is < 0 or > 64)
        {
            throw new PayloadFormatException($"not in Confluent's Protobuf wire format: {count} message indexes");
        }

        if (_indexes.Length < indexCount)
        {
            _indexes = new int[indexCount];
        }

        // No indexes written (count 0) means the file's first message.
        _indexes[0] = 0;
        for (var i = 0; i < count; i++)
        {
            _indexes[i] = ZigZag(input.ReadVarint());
        }

        var indexes = _indexes.AsSpan(0, (int)indexCount);
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

    private static int ZigZag(ulong value) => (int)(value >> 1) ^ -(int)(value & 1);

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
        Confluent.SchemaRegistry.Schema schema;
        try
        {
            schema = _registry.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return $"schema id {id} is not in the schema registry";
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"Fetching Protobuf schema id {id} from the schema registry failed: {e.Message}", e);
        }

        if (schema.SchemaType != SchemaType.Protobuf)
        {
            return $"schema id {id} is a {schema.SchemaType} schema, not Protobuf";
        }

        try
        {
            var message = ProtoSchemas.Find(ProtoSchemas.Parse(schema.SchemaString), indexes);
            return message is null
                ? $"schema id {id} has no message at indexes [{string.Join(", ", indexes.ToArray())}]"
                : message.FullName == _messageName ? null : $"schema id {id} writes message '{message.FullName}', not the reader's '{_messageName}'";
        }
        catch (FormatException e)
        {
            return $"schema id {id} is not a .proto file this reader can use: {e.Message}";
        }
    }
}
