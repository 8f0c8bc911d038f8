using System.Diagnostics;
using Apache.Arrow;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>
/// A cluster and a schema registry for one test: a <see cref="LocalKafkaCluster"/> and a
/// <see cref="LocalSchemaRegistry"/>, or the real registry <c>TYPEDKAFKA_SCHEMA_REGISTRY</c> names.
/// </summary>
public sealed class FormatHarness : IDisposable
{
    public const string RegistryVariable = "TYPEDKAFKA_SCHEMA_REGISTRY";

    private readonly LocalSchemaRegistry? _localRegistry;

    public FormatHarness()
    {
        Kafka = KafkaTarget.OnLocalCluster();
        var real = Environment.GetEnvironmentVariable(RegistryVariable);
        if (real is { Length: > 0 })
        {
            RegistryUrl = real;
        }
        else
        {
            _localRegistry = new LocalSchemaRegistry();
            RegistryUrl = _localRegistry.Url;
        }

        Registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = RegistryUrl });
    }

    public KafkaTarget Kafka { get; }

    /// <summary>The in-process registry, or null when <c>TYPEDKAFKA_SCHEMA_REGISTRY</c> names a real one.</summary>
    public LocalSchemaRegistry? LocalRegistry => _localRegistry;

    public string RegistryUrl { get; }

    public ISchemaRegistryClient Registry { get; }

    /// <summary>Produces <paramref name="values"/> with Confluent's Avro serializer, in order, to partition 0, with timestamps 1000, 1001, ...</summary>
    public void ProduceAvro<T>(string topic, IEnumerable<T> values, long firstTimestampMs = 1000)
    {
        using var producer = new ProducerBuilder<string, T>(Kafka.Config())
            .SetValueSerializer(new AvroSerializer<T>(Registry).AsSyncOverAsync())
            .Build();
        var timestamp = firstTimestampMs;
        foreach (var value in values)
        {
            producer.ProduceAsync(
                new TopicPartition(topic, 0),
                new Message<string, T> { Key = $"k{timestamp}", Value = value, Timestamp = new Timestamp(timestamp++, TimestampType.CreateTime) })
                .GetAwaiter().GetResult();
        }
    }

    /// <summary>Reads the topic to its end offsets with <paramref name="options"/>; the batches are the caller's to dispose.</summary>
    public static List<RecordBatch> ReadAll(ConsumerManager manager)
    {
        var batches = new List<RecordBatch>();
        var clock = Stopwatch.StartNew();
        while (!manager.IsComplete)
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Gave up after {Replay.Patience.TotalSeconds} s: {batches.Sum(b => b.Length)} rows read.");
            var batch = manager.Poll(200);
            if (batch.Length > 0)
            {
                batches.Add(batch);
            }
            else
            {
                batch.Dispose();
            }
        }

        return batches;
    }

    public ConsumerManager Consumer(string topic, ValueFormat? format, BadPayloadPolicy policy = BadPayloadPolicy.Skip, bool headers = false) =>
        new(Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions
        {
            Until = ReplayEnd.EndOffsets, ValueFormat = format, BadPayloadPolicy = policy, IncludeHeaders = headers, BatchSize = 3,
        });

    public void Dispose()
    {
        Registry.Dispose();
        _localRegistry?.Dispose();
        Kafka.Dispose();
    }
}
