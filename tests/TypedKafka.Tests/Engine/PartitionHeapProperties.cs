using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The engine's indexed heap against a dictionary of keys: after any sequence of sets, removals and
/// minimum replacements, its minimum is the least (key, partition), and the partitions it collects
/// up to a threshold are exactly those keyed at most that.
/// </summary>
public sealed class PartitionHeapProperties
{
    private const int Partitions = 24;

    [Fact]
    public void Minimum_and_collected_partitions_match_a_plain_map_of_keys() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Partitions - 1], Gen.Long[-5, 5]).Array[1, 200].Sample(operations =>
        {
            var heap = new PartitionHeap(Partitions);
            var keys = new Dictionary<int, long>();
            var collected = new List<int>();
            var pending = new Stack<int>();
            foreach (var (kind, partition, key) in operations)
            {
                switch (kind)
                {
                    case 0 or 1:
                        heap.Set(partition, key);
                        keys[partition] = key;
                        break;
                    case 2:
                        heap.Remove(partition);
                        keys.Remove(partition);
                        break;
                    case 3 when keys.Count > 0:
                        var min = keys.MinBy(k => (k.Value, k.Key)).Key;
                        heap.ReplaceMinKey(key);
                        keys[min] = key;
                        break;
                }

                Assert.Equal(keys.Count, heap.Count);
                Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(keys.ContainsKey(p), heap.Contains(p)));
                if (keys.Count == 0)
                {
                    continue;
                }

                var least = keys.MinBy(k => (k.Value, k.Key));
                Assert.Equal((least.Value, least.Key), heap.Min);
                collected.Clear();
                heap.CollectAtMost(key, collected, pending);
                Assert.Equal(keys.Where(k => k.Value <= key).Select(k => k.Key).Order(), collected.Order());
            }
        }, iter: 2_000);
}
