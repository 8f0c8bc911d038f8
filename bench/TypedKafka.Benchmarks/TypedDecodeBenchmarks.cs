using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Apache.Arrow;
using Apache.Arrow.Types;
using BenchmarkDotNet.Attributes;

namespace TypedKafka.Benchmarks;

/// <summary>A 6-member message: strings, a double, a long, a timestamp and a bool, as trade feeds look.</summary>
[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record BenchTrade(string Symbol, double Price, long Quantity, DateTimeOffset TradeTime, string? Venue, bool Aggressor);

/// <summary>System.Text.Json's own source-generated metadata for the same type and names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchTrade))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;

/// <summary>
/// 10,000 distinct JSON payloads of <see cref="BenchTrade"/> (members in declaration order or reversed) decoded two ways: by TypedKafka's
/// generated decoder into Arrow columns (a whole typed batch, as <see cref="TypedConsumer{T}"/> makes
/// it from a polled batch: metadata columns moved over, member columns built in native memory),
/// and by System.Text.Json's source-generated deserializer into objects. Time and managed
/// allocation are per message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class TypedDecodeBenchmarks
{
    public const int Messages = 10_000;

    private static readonly string[] Symbols = ["ACME", "BETA", "GAMMA", "DELTA", "EPSILON", "ZETA", "ETA", "THETA"];
    private static readonly string[] Venues = ["XNYS", "XNAS", "BATS", "IEXG"];

    private readonly byte[][] _payloads = new byte[Messages][];
    private readonly BenchTrade[] _objects = new BenchTrade[Messages];
    private RecordBatch _messages = null!;
    private TypedBatchDecoder<BenchTrade, string> _decoder = null!;

    /// <summary>
    /// "declared": members in declaration order, as System.Text.Json and most producers write them,
    /// which the decoder reads from the bytes; "reversed": the same payloads with their members in
    /// reverse order, which it reads with <see cref="Utf8JsonReader"/>.
    /// </summary>
    [Params("declared", "reversed")]
    public string MemberOrder { get; set; } = "declared";

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 1, 2, 9, 30, 0, TimeSpan.Zero);
        var random = new Random(42);
        for (var i = 0; i < Messages; i++)
        {
            var trade = new BenchTrade(
                Symbols[i % Symbols.Length],
                Math.Round(10 + (random.NextDouble() * 990), 2),
                random.Next(1, 100_000),
                start.AddTicks(i * 1_234_560L),
                i % 10 == 0 ? null : Venues[i % Venues.Length],
                i % 3 == 0);
            _payloads[i] = JsonSerializer.SerializeToUtf8Bytes(trade, BenchJsonContext.Default.BenchTrade);
            if (MemberOrder == "reversed")
            {
                var members = JsonNode.Parse(_payloads[i])!.AsObject().Reverse().Select(m => KeyValuePair.Create(m.Key, m.Value?.DeepClone()));
                _payloads[i] = JsonSerializer.SerializeToUtf8Bytes(new JsonObject(members));
            }
        }

        _messages = MessageBatch(_payloads);
        _decoder = new TypedBatchDecoder<BenchTrade, string>(BadPayloadPolicy.Skip);
        using var check = DecodeOnce();
        if (check.Errors.Count > 0 || !check.Rows.SequenceEqual(_payloads.Select(p => JsonSerializer.Deserialize(p, BenchJsonContext.Default.BenchTrade)!)))
        {
            throw new InvalidOperationException("The two decoders disagree on the payloads.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _messages.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public BenchTrade SystemTextJsonObjects()
    {
        var info = BenchJsonContext.Default.BenchTrade;
        for (var i = 0; i < _payloads.Length; i++)
        {
            _objects[i] = JsonSerializer.Deserialize(_payloads[i], info)!;
        }

        return _objects[^1];
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int TypedKafkaArrow()
    {
        using var batch = DecodeOnce();
        return batch.Length;
    }

    /// <summary>The polled batch as the decoder receives it; a new reference each time, since decoding disposes its input.</summary>
    private TypedBatch<BenchTrade> DecodeOnce()
    {
        var input = new RecordBatch(_messages.Schema, _messages.Arrays.Select(a => ArrowArrayFactory.BuildArray(a.Data.Retain())), _messages.Length);
        return _decoder.Decode(input, (b, e, k, f) => new TypedBatch<BenchTrade>(b, e, k, f));
    }

    private static RecordBatch MessageBatch(byte[][] payloads)
    {
        var keys = new BinaryArray.Builder();
        var values = new BinaryArray.Builder();
        var topics = new StringArray.Builder();
        var partitions = new Int32Array.Builder();
        var offsets = new Int64Array.Builder();
        var timestamps = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC"));
        for (var i = 0; i < payloads.Length; i++)
        {
            keys.Append(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)).AsSpan());
            values.Append(payloads[i].AsSpan());
            topics.Append("trades");
            partitions.Append(i % 16);
            offsets.Append(i);
            timestamps.Append(DateTimeOffset.FromUnixTimeMilliseconds(1_767_346_200_000 + i));
        }

        return new RecordBatch(Schemas.Message, [keys.Build(), values.Build(), topics.Build(), partitions.Build(), offsets.Build(), timestamps.Build()], payloads.Length);
    }
}
