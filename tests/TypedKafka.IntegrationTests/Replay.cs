using System.Diagnostics;
using System.Text;
using Apache.Arrow;

namespace TypedKafka.IntegrationTests;

public sealed record ReleasedRow(string Topic, int Partition, long Offset, long TimestampMs, string? Key, string? Value);

/// <summary>Polls a <see cref="ConsumerManager"/> and collects what it releases, with what a test wants to watch on the way.</summary>
public static class Replay
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Polls until <paramref name="done"/> holds after a poll, or fails after <see cref="Patience"/>.</summary>
    /// <param name="into">Where to collect the rows, so that they are kept when a poll throws; a new list by default.</param>
    public static List<ReleasedRow> Until(ConsumerManager manager, Func<List<ReleasedRow>, bool> done, Action<ConsumerManager>? afterEachPoll = null, List<ReleasedRow>? into = null)
    {
        var rows = into ?? [];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var batch = manager.Poll(200))
            {
                rows.AddRange(Rows(batch));
            }

            afterEachPoll?.Invoke(manager);
            if (done(rows))
            {
                return rows;
            }

            Assert.True(
                clock.Elapsed < Patience,
                $"Gave up after {Patience.TotalSeconds} s: {rows.Count} released, live {manager.IsLive}, {manager.HeldMessageCount} held, {manager.PausedPartitionCount} paused.");
        }
    }

    public static List<ReleasedRow> UntilLive(ConsumerManager manager, Action<ConsumerManager>? afterEachPoll = null, List<ReleasedRow>? into = null) =>
        Until(manager, _ => manager.IsLive && manager.HeldMessageCount == 0, afterEachPoll, into);

    public static List<ReleasedRow> Rows(RecordBatch batch)
    {
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        var topics = (StringArray)batch.Column("topic");
        var partitions = (Int32Array)batch.Column("partition");
        var offsets = (Int64Array)batch.Column("offset");
        var timestamps = (TimestampArray)batch.Column("timestamp");
        var rows = new List<ReleasedRow>(batch.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            rows.Add(new ReleasedRow(
                topics.GetString(i),
                partitions.GetValue(i)!.Value,
                offsets.GetValue(i)!.Value,
                timestamps.GetTimestamp(i)!.Value.ToUnixTimeMilliseconds(),
                keys.IsNull(i) ? null : Encoding.UTF8.GetString(keys.GetBytes(i)),
                values.IsNull(i) ? null : Encoding.UTF8.GetString(values.GetBytes(i))));
        }

        return rows;
    }

    public static void AssertTimeOrdered(IReadOnlyList<ReleasedRow> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i].TimestampMs >= rows[i - 1].TimestampMs, $"{rows[i - 1]} was released before {rows[i]}.");
        }
    }

    public static void AssertEachOnceInOffsetOrder(IReadOnlyList<ReleasedRow> rows)
    {
        var duplicates = rows.GroupBy(r => (r.Topic, r.Partition, r.Offset)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Released more than once: {string.Join(", ", duplicates.Take(5))}");
        foreach (var partition in rows.GroupBy(r => (r.Topic, r.Partition)))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }
    }
}
