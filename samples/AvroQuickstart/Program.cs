// Avro quickstart: orders written with Confluent's Avro serializer and a Schema Registry, read in
// timestamp order across partitions straight into Arrow columns (one per Avro field), written to Parquet.
//   dotnet run --project samples/AvroQuickstart [-- orders.parquet]
using Apache.Arrow;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using ParquetSharp.Arrow;
using TypedKafka;
using TypedKafka.Testing;

var output = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "orders.parquet");

// A cluster and a registry on 127.0.0.1; point these two at real ones (bootstrap servers, registry URL) for production.
using var cluster = new LocalKafkaCluster();
using var localRegistry = new LocalSchemaRegistry();
cluster.CreateTopic("orders", partitions: 3);
using var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = localRegistry.Url });

var schema = (RecordSchema)Avro.Schema.Parse("""
    {"type":"record","name":"Order","namespace":"shop","fields":[
      {"name":"order_id","type":"long"},
      {"name":"customer","type":"string"},
      {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
      {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}},
      {"name":"items","type":{"type":"array","items":"string"}},
      {"name":"coupon","type":["null","string"],"default":null}]}
    """);

// Three shops (partitions) writing at their own pace: the partitions interleave in time.
var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };
using (var producer = new ProducerBuilder<string, GenericRecord>(config).SetValueSerializer(new AvroSerializer<GenericRecord>(registry).AsSyncOverAsync()).Build())
{
    var start = DateTimeOffset.UtcNow.AddMinutes(-10);
    for (var i = 0; i < 30; i++)
    {
        var shop = i % 3;
        var placed = start.AddSeconds((i * 7) + (shop * 2.5));
        var order = new GenericRecord(schema);
        order.Add("order_id", 1000L + i);
        order.Add("customer", $"customer-{i % 7}");
        order.Add("amount", new AvroDecimal(decimal.Round(9.99m + (i * 3.5m), 2)));
        order.Add("placed_at", placed.UtcDateTime);
        order.Add("items", Enumerable.Range(0, 1 + (i % 3)).Select(n => $"sku-{(i + n) % 11}").ToArray());
        order.Add("coupon", i % 4 == 0 ? "WELCOME" : null);
        producer.Produce(
            new TopicPartition("orders", shop),
            new Message<string, GenericRecord> { Key = $"shop-{shop}", Value = order, Timestamp = new Timestamp(placed) });
    }

    producer.Flush();
}

// One column per Avro field, in place of the value bytes; the reader schema is the subject's latest, orders-value.
using var orders = new ConsumerManager(config, [SourceTopic.FromEarliest("orders")], new ConsumerOptions
{
    Until = ReplayEnd.EndOffsets,
    ValueFormat = ValueFormat.Avro(registry),
});
Console.WriteLine($"Schema: {string.Join(", ", orders.Schema.FieldsList.Select(f => $"{f.Name}:{f.DataType.Name}"))}");

using (var properties = new ParquetSharp.WriterPropertiesBuilder().Compression(ParquetSharp.Compression.Snappy).Build())
using (var arrowProperties = new ArrowWriterPropertiesBuilder().StoreSchema().Build())
using (var parquet = new FileWriter(output, orders.Schema, properties, arrowProperties))
{
    while (!orders.IsComplete)
    {
        using RecordBatch batch = orders.Poll(timeoutMs: 1000);
        var ids = (Int64Array)batch.Column("order_id");
        var customers = (StringArray)batch.Column("customer");
        var amounts = (Decimal128Array)batch.Column("amount");
        var placed = (TimestampArray)batch.Column("placed_at");
        var partitions = (Int32Array)batch.Column("partition");
        for (var row = 0; row < batch.Length; row++)
        {
            Console.WriteLine($"{placed.GetTimestamp(row):HH:mm:ss.fff}  shop {partitions.GetValue(row)}  #{ids.GetValue(row)}  {customers.GetString(row),-11} {amounts.GetValue(row),8:0.00}");
        }

        if (batch.Length > 0)
        {
            parquet.WriteRecordBatch(batch);
        }
    }

    parquet.Close();
}

Console.WriteLine($"Wrote {output}; bad payloads: {orders.BadPayloadCount}");
