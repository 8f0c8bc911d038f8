using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The merge's queue of heads against a map of keys: after any sequence of sets, removals, minimum
/// replacements and resets, its minimum is the least (key, partition), whether it was read after
/// each change or only after several. Keys are drawn so that every path is taken: close together
/// (the window, also below its start), more than the window apart (the tree), just under a window's
/// length after its start (the search for a bucket goes round), many on one millisecond (a full
/// bucket), and long.MinValue and long.MaxValue (no difference of keys may overflow).
/// </summary>
public sealed class TimestampQueueProperties
{
    private static readonly Gen<long> Keys = Gen.OneOf(
        Gen.Long[1_000, 1_040],
        Gen.Long[-5, 5].Select(k => 1_000 + (k * TimestampQueue.WindowMs / 2)),
        Gen.Long[-70, 5].Select(k => 1_000 + TimestampQueue.WindowMs + k),
        // Buckets at the start of the bitmap's first word, and just under a window after them.
        Gen.Long[0, 8],
        Gen.Long[-8, 4].Select(k => TimestampQueue.WindowMs + k),
        Gen.Const(1_000L),
        Gen.Const(long.MaxValue),
        Gen.Const(long.MinValue),
        Gen.Long);

    [Theory]
    [InlineData(40)]
    [InlineData(4)]
    public void Minimum_matches_a_plain_map_of_keys(int partitions) =>
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, partitions - 1], Keys, Gen.Bool).Array[1, 300].Sample(operations =>
        {
            using var queue = new TimestampQueue(partitions);
            var keys = new Dictionary<int, long>();
            foreach (var (kind, partition, key, read) in operations)
            {
                switch (kind)
                {
                    case 0 or 1:
                        queue.Set(partition, key);
                        keys[partition] = key;
                        break;
                    case 2:
                        queue.Remove(partition);
                        keys.Remove(partition);
                        break;
                    case 3 when keys.Count > 0:
                        var min = keys.MinBy(k => (k.Value, k.Key)).Key;
                        if (key % 2 == 0)
                        {
                            queue.ReplaceMinKey(key);
                            keys[min] = key;
                        }
                        else
                        {
                            queue.RemoveMin();
                            keys.Remove(min);
                        }

                        break;
                    case 4 when key % 16 == 0:
                        queue.Reset(partitions);
                        keys.Clear();
                        break;
                }

                Assert.Equal(keys.Count, queue.Count);
                Assert.All(Enumerable.Range(0, partitions), p => Assert.Equal(keys.ContainsKey(p), queue.Contains(p)));
                if (keys.Count > 0 && read)
                {
                    var least = keys.MinBy(k => (k.Value, k.Key));
                    Assert.Equal((least.Value, least.Key), queue.Min);
                }
            }
        }, iter: 3_000);

    [Fact]
    public void Draining_returns_every_entry_in_order_when_many_share_a_millisecond_and_some_lie_beyond_the_window()
    {
        const int partitions = 40;
        using var queue = new TimestampQueue(partitions);
        var expected = new List<(long, int)>();
        for (var p = 0; p < partitions; p++)
        {
            // Twenty on one millisecond (more than a bucket holds), the rest spread past the window.
            var key = p < 20 ? 5_000 : 5_000 + ((p - 20) * (TimestampQueue.WindowMs / 3));
            queue.Set(partitions - 1 - p, key);
            expected.Add((key, partitions - 1 - p));
        }

        var drained = new List<(long, int)>();
        while (queue.Count > 0)
        {
            drained.Add(queue.Min);
            queue.RemoveMin();
        }

        Assert.Equal(expected.Order(), drained);

        // Empty, it says so, and goes on working.
        Assert.Throws<InvalidOperationException>(() => queue.Min);
        queue.Set(3, 7);
        Assert.Equal((7L, 3), queue.Min);
    }
}
