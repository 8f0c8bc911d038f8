using Apache.Arrow;
using Avro;
using Confluent.SchemaRegistry;
using AvroSchema = Avro.Schema;
using Field = Apache.Arrow.Field;

namespace TypedKafka.Formats.Avro;

/// <summary>
/// Avro values in Confluent's wire format, decoded into the columns of one reader schema. Each
/// writer schema id met is fetched from the registry once, and its resolution against the reader
/// compiled once into a program; a writer schema that cannot be resolved (or an id the registry
/// does not know) is remembered too, so its rows are bad rows at no further cost.
/// </summary>
internal sealed class AvroPayloadDecoder : PayloadDecoder
{
    private readonly ISchemaRegistryClient _registry;
    private readonly AvroResolver _resolver;
    private readonly string _readerDescription;
    private readonly Dictionary<int, (AvroNode? Program, string? Failure)> _programs = [];

    public AvroPayloadDecoder(ISchemaRegistryClient registry, SchemaSource source)
    {
        _registry = registry;
        var (id, text, type) = source.Fetch(registry);
        if (type != SchemaType.Avro)
        {
            throw new ArgumentException($"ValueFormat.Avro: {source} is a {type} schema, not Avro.", nameof(source));
        }

        AvroSchema reader;
        try
        {
            reader = AvroSchema.Parse(text);
        }
        catch (AvroException e)
        {
            throw new ArgumentException($"ValueFormat.Avro: {source} is not a valid Avro schema: {e.Message}", nameof(source), e);
        }

        if (reader is not RecordSchema record)
        {
            throw new NotSupportedException($"ValueFormat.Avro: {source} is a {reader.Tag}; only record schemas have fields to make columns of.");
        }

        _resolver = new AvroResolver(record);
        _readerDescription = $"reader schema id {id} ({record.Fullname})";
        _programs[id] = (_resolver.Resolve(record), null);
        ReaderName = record.Fullname;
    }

    /// <summary>A decoder whose reader schema is given rather than fetched: a typed record's members (<see cref="MemberSchema"/>).</summary>
    /// <param name="registry">Where writer schemas are fetched from, by id.</param>
    /// <param name="reader">The reader schema.</param>
    /// <param name="readerDescription">What the reader schema is, for the reasons of bad rows: "the members of Order".</param>
    public AvroPayloadDecoder(ISchemaRegistryClient registry, RecordSchema reader, string readerDescription)
    {
        _registry = registry;
        _resolver = new AvroResolver(reader, matchRecordNames: false);
        _readerDescription = readerDescription;
        ReaderName = reader.Fullname;
    }

    public string ReaderName { get; }

    public override IReadOnlyList<Field> Fields => _resolver.Fields;

    public override void DecodeRow(ReadOnlySpan<byte> value)
    {
        var id = ConfluentWireFormat.ReadSchemaId(value, out var body);
        var program = ProgramFor(id);
        var input = new AvroBinary(body);
        program.Read(ref input);
        input.ExpectEnd();
    }

    public override void AppendNullRow()
    {
        foreach (var column in _resolver.Columns)
        {
            column.AppendNull();
        }
    }

    public override void Truncate(int rows)
    {
        foreach (var column in _resolver.Columns)
        {
            column.Truncate(rows);
        }
    }

    public override IArrowArray[] Build()
    {
        return [.. _resolver.Columns.Select(c => c.Build())];
    }

    private AvroNode ProgramFor(int id)
    {
        if (!_programs.TryGetValue(id, out var entry))
        {
            entry = Compile(id);
            _programs[id] = entry;
        }

        return entry.Program ?? throw new PayloadFormatException(entry.Failure!);
    }

    private (AvroNode?, string?) Compile(int id)
    {
        Confluent.SchemaRegistry.Schema schema;
        try
        {
            schema = _registry.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return (null, $"schema id {id} is not in the schema registry");
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            // Not the row's fault: the registry could not be asked. The poll fails, and can be tried again.
            throw new InvalidOperationException($"Fetching Avro schema id {id} from the schema registry failed: {e.Message}", e);
        }

        if (schema.SchemaType != SchemaType.Avro)
        {
            return (null, $"schema id {id} is a {schema.SchemaType} schema, not Avro");
        }

        try
        {
            return (_resolver.Resolve(AvroSchema.Parse(schema.SchemaString)), null);
        }
        catch (AvroException e)
        {
            return (null, $"schema id {id} is not a valid Avro schema: {e.Message}");
        }
        catch (AvroResolutionException e)
        {
            return (null, $"writer schema id {id} cannot be read as {_readerDescription}: {e.Message}");
        }
    }
}
