using Apache.Arrow;
using Apache.Arrow.Ipc;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>The Arrow batches the engine releases: their bytes, nulls and layout, across chunk boundaries.</summary>
public sealed class MessageBatchTests
{
    private static OrderedMergeEngine LiveEngine(int partitions = 1, int batchSize = 100_000) =>
        new(Enumerable.Range(0, partitions).Select(p => new PartitionSpec("bytes", p, 0, 0)), new EngineOptions(long.MaxValue, batchSize));

    [Fact]
    public void Values_larger_than_a_chunk_and_many_small_ones_come_out_byte_for_byte()
    {
        using var engine = LiveEngine(partitions: 2);
        var random = new Random(7);
        var sent = new List<(byte[] Key, byte[] Value)>();
        for (var offset = 0; offset < 3_000; offset++)
        {
            var size = offset % 500 == 0 ? BufferPools.ChunkSize * 3 + 17 : random.Next(0, 300);
            var key = new byte[random.Next(0, 12)];
            var value = new byte[size];
            random.NextBytes(key);
            random.NextBytes(value);
            sent.Add((key, value));
            engine.Deliver(0, offset, offset, key, false, value, false);
        }

        using var batch = engine.Release();
        Assert.Equal(sent.Count, batch.Length);
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Key, keys.GetBytes(i).ToArray());
            Assert.Equal(sent[i].Value, values.GetBytes(i).ToArray());
        }

        Assert.Equal(0, engine.HeldBytes);
    }

    [Fact]
    public void Null_keys_and_values_are_null_in_the_batch_and_empty_ones_are_not()
    {
        using var engine = LiveEngine();
        engine.Deliver(0, 0, 1, default, true, [1, 2], false);
        engine.Deliver(0, 1, 2, [], false, default, true);
        engine.Deliver(0, 2, 3, [9], false, [], false);
        using var batch = engine.Release();
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        Assert.Equal([true, false, false], Enumerable.Range(0, 3).Select(keys.IsNull));
        Assert.Equal([false, true, false], Enumerable.Range(0, 3).Select(values.IsNull));
        Assert.Equal(1, keys.NullCount);
        Assert.Equal(1, values.NullCount);
        Assert.Equal([9], keys.GetBytes(2).ToArray());
        Assert.Equal(0, values.GetBytes(2).Length);
    }

    [Fact]
    public void Metadata_columns_carry_topic_partition_offset_and_utc_timestamp()
    {
        using var engine = LiveEngine(partitions: 3);
        engine.Deliver(2, 40, 1_700_000_000_123, [], false, [], false);
        using var batch = engine.Release();
        Assert.Equal("bytes", ((StringArray)batch.Column("topic")).GetString(0));
        Assert.Equal(2, ((Int32Array)batch.Column("partition")).GetValue(0));
        Assert.Equal(40, ((Int64Array)batch.Column("offset")).GetValue(0));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), ((TimestampArray)batch.Column("timestamp")).GetTimestamp(0));
    }

    [Fact]
    public void A_released_batch_survives_an_arrow_ipc_round_trip()
    {
        using var engine = LiveEngine(partitions: 2);
        for (var offset = 0; offset < 50; offset++)
        {
            engine.Deliver(offset % 2, offset / 2, offset, offset % 3 == 0 ? default : [(byte)offset], offset % 3 == 0, [(byte)offset, 1, 2], false);
        }

        using var batch = engine.Release();
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        stream.Position = 0;
        using var reader = new ArrowStreamReader(stream);
        using var read = reader.ReadNextRecordBatch();
        Assert.Equal(batch.Length, read.Length);
        var expected = (BinaryArray)batch.Column("key");
        var actual = (BinaryArray)read.Column("key");
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(expected.IsNull(i), actual.IsNull(i));
            Assert.Equal(expected.GetBytes(i).ToArray(), actual.GetBytes(i).ToArray());
        }
    }

    [Fact]
    public void An_empty_release_is_a_zero_row_batch_of_the_message_schema()
    {
        using var engine = LiveEngine();
        using var batch = engine.Release();
        Assert.Equal(0, batch.Length);
        Assert.Same(Schemas.Message, batch.Schema);
        Assert.Equal(6, batch.ColumnCount);
    }

    [Fact]
    public void Chunks_go_back_to_the_pool_as_the_release_front_passes_them()
    {
        using var buffer = new PartitionBuffer(new BufferPools(maxRetainedBytes: 16 * BufferPools.ChunkSize));
        var value = new byte[1000];
        for (var i = 0; i < 200; i++)
        {
            buffer.Append(i, i, i, 0, default, true, value, false);
        }

        Assert.Equal(200_000, buffer.Bytes);
        Assert.True(buffer.ReservedBytes >= 200_000);
        Assert.Equal((150, 150_000L, (long?)149), Release(buffer, 150));
        Assert.Equal(50_000, buffer.Bytes);
        Assert.True(buffer.ReservedBytes < 200_000, $"{buffer.ReservedBytes} bytes still reserved for 50,000 held.");
        Release(buffer, 50);
        Assert.Equal(0, buffer.ReservedBytes);
    }

    [Fact]
    public void A_partition_that_always_holds_a_message_or_two_keeps_to_the_smallest_chunks_however_long_it_runs()
    {
        // As each of thousands of partitions does in a long replay: never empty, never holding much.
        using var buffer = new PartitionBuffer(new BufferPools(maxRetainedBytes: 16 * BufferPools.ChunkSize));
        var value = new byte[100];
        buffer.Append(0, 0, 0, 0, default, true, value, false);
        long largestReserved = 0;
        for (var i = 1; i < 10_000; i++)
        {
            buffer.Append(i, i, i, 0, default, true, value, false);
            Release(buffer, 1);
            largestReserved = Math.Max(largestReserved, buffer.ReservedBytes);
        }

        Assert.Equal(100, buffer.Bytes);
        Assert.True(largestReserved <= 2 * BufferPools.MinChunkSize, $"{largestReserved} bytes reserved to hold 100 to 200.");
    }

    [Fact]
    public void A_partition_that_holds_more_takes_larger_chunks()
    {
        using var buffer = new PartitionBuffer(new BufferPools(maxRetainedBytes: 64 * BufferPools.ChunkSize));
        var value = new byte[1000];
        for (var i = 0; i < 1000; i++)
        {
            buffer.Append(i, i, i, 0, default, true, value, false);
        }

        // 1,000,000 bytes in 64 KiB chunks once the partition holds more than 32 KiB: 16 of them, a few smaller first.
        Assert.InRange(buffer.ReservedBytes, 1_000_000, 1_000_000 + (2 * BufferPools.ChunkSize));
    }

    [Fact]
    public void Reordered_a_chunk_stays_until_every_message_in_it_is_released_and_the_released_offset_stops_below_the_first_held()
    {
        using var buffer = new PartitionBuffer(new BufferPools(maxRetainedBytes: 16 * BufferPools.ChunkSize), reorder: true);
        var value = new byte[1000];

        // Offset 0 is stamped last: the 199 after it go out first, yet offset 0 pins the first chunk and the released offset.
        buffer.Append(0, 10_000, 10_000, 0, default, true, value, false);
        for (var i = 1; i < 200; i++)
        {
            buffer.Append(i, i, i, 0, default, true, value, false);
        }

        Assert.Equal(1, buffer.PeekNext().Offset);
        var (count, _, releasedThrough) = Release(buffer, 199);
        Assert.Equal(199, count);
        Assert.Equal(-1, releasedThrough);
        Assert.Equal(1000, buffer.Bytes);
        Assert.True(buffer.ReservedBytes >= 200_000, $"{buffer.ReservedBytes} bytes reserved while offset 0 still points into the first chunk.");
        Assert.Equal(0, buffer.PeekNext().Offset);
        Assert.Equal((1, 1000L, (long?)199), Release(buffer, 1));
        Assert.Equal(0, buffer.ReservedBytes);
    }

    private static (int Count, long Bytes, long? ReleasedThrough) Release(PartitionBuffer buffer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            buffer.TakeNext();
        }

        return buffer.CommitTaken();
    }
}
