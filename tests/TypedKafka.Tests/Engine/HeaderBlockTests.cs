using System.Text;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Engine;
using TypedKafka.Kafka;

namespace TypedKafka.Tests.Engine;

/// <summary>Headers stored after the key and value in the engine's chunks, and the headers column built from them.</summary>
public sealed class HeaderBlockTests
{
    [Fact]
    public void Held_headers_count_toward_held_bytes_and_come_out_in_the_last_column()
    {
        using var engine = new OrderedMergeEngine(
            [new PartitionSpec("events", 0, 0, 10), new PartitionSpec("events", 1, 0, 10)],
            new EngineOptions(long.MaxValue, 100) { Headers = true });
        var headers = new Headers { { "trace", Encoding.UTF8.GetBytes("abc") }, { "tenant", null }, { "trace", [] } };
        var scratch = System.Array.Empty<byte>();
        var block = HeaderBlock.Encode(headers, ref scratch).ToArray();

        // Partition 1 has delivered nothing: the message is held, its headers among the held bytes.
        engine.Deliver(0, 0, 1000, [1], false, [2, 3], false, headers: block);
        using (var none = engine.Release())
        {
            Assert.Equal(0, none.Length);
            Assert.Equal("headers", none.Schema.FieldsList[^1].Name);
        }

        Assert.Equal(3 + block.Length, engine.HeldBytes);

        engine.Deliver(1, 0, 2000, default, true, default, true);
        engine.EndOfPartition(0, 10);
        engine.EndOfPartition(1, 10);
        using var batch = engine.Release();
        Assert.Equal(2, batch.Length);
        Assert.Equal(0, engine.HeldBytes);
        Assert.Equal([2, 3], ((BinaryArray)batch.Column("value")).GetBytes(0).ToArray());
        var column = (ListArray)batch.Column("headers");
        var first = (StructArray)column.GetSlicedValues(0);
        Assert.Equal(["trace", "tenant", "trace"], Enumerable.Range(0, 3).Select(i => ((StringArray)first.Fields[0]).GetString(i)));
        var values = (BinaryArray)first.Fields[1];
        Assert.Equal("abc", Encoding.UTF8.GetString(values.GetBytes(0)));
        Assert.True(values.IsNull(1));
        Assert.False(values.IsNull(2));
        Assert.Equal(0, column.GetSlicedValues(1).Length);
    }

    [Fact]
    public void A_message_without_headers_encodes_to_nothing()
    {
        var scratch = System.Array.Empty<byte>();
        Assert.True(HeaderBlock.Encode(null, ref scratch).IsEmpty);
        Assert.True(HeaderBlock.Encode([], ref scratch).IsEmpty);
    }
}
