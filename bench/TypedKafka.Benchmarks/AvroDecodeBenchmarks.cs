using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Avro;
using Avro.Specific;
using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using TypedKafka.Formats;
using TypedKafka.Formats.Avro;
using TypedKafka.Testing;

namespace TypedKafka.Benchmarks;

/// <summary>
/// 10,000 distinct Avro values of a 7-field record (<see cref="BenchOrder"/>: a long, a string, a
/// double, an int, a nullable string, a boolean and a timestamp-millis), in Confluent's wire
/// format as its <c>AvroSerializer&lt;T&gt;</c> writes them (registered in a
/// <see cref="LocalSchemaRegistry"/>), decoded two ways: by Confluent's <c>AvroDeserializer&lt;T&gt;</c>
/// into specific-record objects, and by <see cref="ValueFormat.Avro"/>'s decoder into a whole
/// Arrow batch, as <see cref="ConsumerManager"/> makes it from a polled batch (metadata columns
/// moved over, one column per field in native memory). Time and managed allocation are per message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes them in [GlobalCleanup]; benchmark classes may not be sealed.")]
public class AvroDecodeBenchmarks
{
    public const int Messages = 10_000;

    private static readonly string[] Customers = ["acme", "beta-industries", "gamma", "delta-logistics", "epsilon", "zeta"];

    private readonly byte[][] _payloads = new byte[Messages][];
    private readonly BenchOrder[] _objects = new BenchOrder[Messages];
    private LocalSchemaRegistry _registry = null!;
    private CachedSchemaRegistryClient _client = null!;
    private AvroDeserializer<BenchOrder> _deserializer = null!;
    private RecordBatch _messages = null!;
    private FormatBatchDecoder _decoder = null!;
    private SerializationContext _context;

    [GlobalSetup]
    public void Setup()
    {
        _registry = new LocalSchemaRegistry();
        _client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });
        var serializer = new AvroSerializer<BenchOrder>(_client);
        _context = new SerializationContext(MessageComponentType.Value, "orders");
        var start = new DateTime(2026, 1, 2, 9, 30, 0, DateTimeKind.Utc);
        var random = new Random(42);
        for (var i = 0; i < Messages; i++)
        {
            var order = new BenchOrder
            {
                Id = i,
                Customer = Customers[i % Customers.Length],
                Amount = Math.Round(10 + (random.NextDouble() * 990), 2),
                Quantity = random.Next(1, 1000),
                Coupon = i % 10 == 0 ? null : $"C{i % 97}",
                Express = i % 3 == 0,
                PlacedAt = start.AddMilliseconds(i * 123),
            };
            _payloads[i] = serializer.SerializeAsync(order, _context).GetAwaiter().GetResult();
        }

        _deserializer = new AvroDeserializer<BenchOrder>(_client);
        _messages = MessageBatch(_payloads);
        _decoder = new FormatBatchDecoder(new AvroPayloadDecoder(_client, new SchemaSource("orders-value", null)), BadPayloadPolicy.Skip, eventTime: false, headers: false);

        // Both decoders read the same values, or the comparison means nothing; and neither asks the
        // registry again once its schemas are cached, or the baseline would measure HTTP.
        ConfluentObjects();
        var requests = _registry.RequestCount;
        ConfluentObjects();
        if (_registry.RequestCount != requests)
        {
            throw new InvalidOperationException($"AvroDeserializer asked the registry {_registry.RequestCount - requests} times on cached schemas.");
        }

        using var check = ArrowColumns();
        var ids = (Int64Array)check.Column("id");
        var coupons = (StringArray)check.Column("coupon");
        for (var i = 0; i < Messages; i++)
        {
            if (ids.GetValue(i) != _objects[i].Id || coupons.GetString(i) != _objects[i].Coupon)
            {
                throw new InvalidOperationException($"The two decoders disagree on row {i}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _messages.Dispose();
        _client.Dispose();
        _registry.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public BenchOrder ConfluentObjects()
    {
        for (var i = 0; i < _payloads.Length; i++)
        {
            _objects[i] = _deserializer.DeserializeAsync(_payloads[i], isNull: false, _context).GetAwaiter().GetResult();
        }

        return _objects[^1];
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public RecordBatch ArrowColumnsBatch()
    {
        var batch = ArrowColumns();
        batch.Dispose();
        return batch;
    }

    /// <summary>The polled batch as the decoder receives it; a new reference each time, since decoding disposes its input.</summary>
    private RecordBatch ArrowColumns()
    {
        var input = new RecordBatch(_messages.Schema, _messages.Arrays.Select(a => ArrowArrayFactory.BuildArray(a.Data.Retain())), _messages.Length);
        return _decoder.Decode(input);
    }

    private static RecordBatch MessageBatch(byte[][] payloads)
    {
        var keys = new BinaryArray.Builder();
        var values = new BinaryArray.Builder();
        var topics = new StringArray.Builder();
        var partitions = new Int32Array.Builder();
        var offsets = new Int64Array.Builder();
        var timestamps = new TimestampArray.Builder(new Apache.Arrow.Types.TimestampType(TimeUnit.Millisecond, "UTC"));
        for (var i = 0; i < payloads.Length; i++)
        {
            keys.Append(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)).AsSpan());
            values.Append(payloads[i].AsSpan());
            topics.Append("orders");
            partitions.Append(i % 16);
            offsets.Append(i);
            timestamps.Append(DateTimeOffset.FromUnixTimeMilliseconds(1_767_346_200_000 + i));
        }

        return new RecordBatch(Schemas.Message, [keys.Build(), values.Build(), topics.Build(), partitions.Build(), offsets.Build(), timestamps.Build()], payloads.Length);
    }
}

/// <summary>A specific record as avrogen writes them: the type <c>AvroDeserializer&lt;T&gt;</c> fills.</summary>
public sealed class BenchOrder : ISpecificRecord
{
    public static readonly Avro.Schema AvroSchema = Avro.Schema.Parse("""
        {"type":"record","name":"BenchOrder","namespace":"TypedKafka.Benchmarks","fields":[
          {"name":"id","type":"long"},
          {"name":"customer","type":"string"},
          {"name":"amount","type":"double"},
          {"name":"quantity","type":"int"},
          {"name":"coupon","type":["null","string"],"default":null},
          {"name":"express","type":"boolean"},
          {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}
        """);

    public long Id { get; set; }

    public string Customer { get; set; } = string.Empty;

    public double Amount { get; set; }

    public int Quantity { get; set; }

    public string? Coupon { get; set; }

    public bool Express { get; set; }

    public DateTime PlacedAt { get; set; }

    public Avro.Schema Schema => AvroSchema;

    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Customer,
        2 => Amount,
        3 => Quantity,
        4 => Coupon,
        5 => Express,
        6 => PlacedAt,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos}"),
    };

    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Id = (long)fieldValue!; break;
            case 1: Customer = (string)fieldValue!; break;
            case 2: Amount = (double)fieldValue!; break;
            case 3: Quantity = (int)fieldValue!; break;
            case 4: Coupon = (string?)fieldValue; break;
            case 5: Express = (bool)fieldValue!; break;
            case 6: PlacedAt = (DateTime)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos}");
        }
    }
}
