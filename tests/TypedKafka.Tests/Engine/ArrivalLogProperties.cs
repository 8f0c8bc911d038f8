using Apache.Arrow;
using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// Rows keep their bytes while they move between the engine's <see cref="ArrivalLog"/> and their
/// partitions' own chunks: a replay over a log of a few small chunks, where one partition lags
/// so that the others' rows outlive the log chunk they were written to, in offset order and with
/// a reorder window, with null, empty and larger-than-a-log-chunk keys and values.
/// </summary>
public sealed class ArrivalLogProperties
{
    [Fact]
    public void Every_row_comes_out_once_with_its_own_key_and_value_bytes()
    {
        long moved = 0;
        Gen.Select(
            Gen.Select(Gen.Int[2, 5], Gen.Int[1, 60], Gen.Int[16, 256], Gen.Long[1, 4_000]),
            Gen.Select(Gen.OneOf(Gen.Const(0L), Gen.Long[1, 30]), Gen.Int[1, 50], Gen.Int))
            .Sample((shape, mode) =>
            {
                var (partitions, messages, logChunkBytes, maxHeldBytes) = shape;
                var (reorderMs, batchSize, seed) = mode;
                Interlocked.Add(ref moved, Replay(partitions, messages, logChunkBytes, maxHeldBytes, reorderMs, batchSize, seed));
            }, iter: 300);

        // The property says something only if moves happened: rows did leave the log for own chunks
        // (about 900 to 1,000 over the samples of a run).
        Assert.True(moved > 100, $"Only {moved} rows moved out of the log over all samples.");
    }

    private static long Replay(int partitions, int messages, int logChunkBytes, long maxHeldBytes, long reorderMs, int batchSize, int seed)
    {
        var random = new Random(seed);
        var specs = Enumerable.Range(0, partitions).Select(p => new PartitionSpec("t", p, 0, messages)).ToList();
        var options = new EngineOptions(long.MaxValue, batchSize, MaxHeldBytes: maxHeldBytes) { LogChunkBytes = logChunkBytes, MaxOutOfOrdernessMs = reorderMs };
        using var engine = new OrderedMergeEngine(specs, options);
        var next = new int[partitions];
        var released = new HashSet<(int Partition, long Offset)>();
        for (var round = 0; released.Count < partitions * messages; round++)
        {
            Assert.True(round < 100_000, "The replay did not finish.");
            for (var p = 0; p < partitions; p++)
            {
                // Partition 0 lags: it holds the watermark while the others' rows wait behind it.
                var intake = p == 0 ? random.Next(2) : random.Next(6);
                for (; intake > 0 && next[p] < messages && !engine.IsPaused(p); intake--)
                {
                    var offset = next[p]++;
                    var (key, value) = Payload(p, offset, logChunkBytes);
                    var timestamp = (offset * 10) + random.Next(-25, 25);
                    engine.Deliver(p, offset, timestamp, key ?? default, key is null, value ?? default, value is null);
                }

                if (next[p] == messages)
                {
                    engine.EndOfPartition(p, messages);
                }
            }

            using var batch = engine.Release();
            Check(batch, released, logChunkBytes);
        }

        Assert.Equal(0, engine.HeldBytes);
        return engine.RowsMovedOutOfLog;
    }

    /// <summary>A row's key and value, a function of its partition and offset; null, empty, or up to four log chunks long.</summary>
    private static (byte[]? Key, byte[]? Value) Payload(int partition, long offset, int logChunkBytes)
    {
        var random = new Random(HashCode.Combine(partition, offset));
        var key = random.Next(8) == 0 ? null : Bytes(random, random.Next(0, 12));
        var value = random.Next(8) == 0 ? null : Bytes(random, random.Next(6) == 0 ? random.Next(logChunkBytes, 4 * logChunkBytes) : random.Next(0, 40));
        return (key, value);

        static byte[] Bytes(Random random, int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }
    }

    private static void Check(RecordBatch batch, HashSet<(int Partition, long Offset)> released, int logChunkBytes)
    {
        var partitions = (Int32Array)batch.Column("partition");
        var offsets = (Int64Array)batch.Column("offset");
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        for (var i = 0; i < batch.Length; i++)
        {
            var (partition, offset) = (partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value);
            Assert.True(released.Add((partition, offset)), $"t[{partition}]@{offset} was released twice.");
            var (key, value) = Payload(partition, offset, logChunkBytes);
            Assert.Equal(key is null, keys.IsNull(i));
            Assert.Equal(value is null, values.IsNull(i));
            Assert.Equal(key ?? [], keys.GetBytes(i).ToArray());
            Assert.Equal(value ?? [], values.GetBytes(i).ToArray());
        }
    }
}
