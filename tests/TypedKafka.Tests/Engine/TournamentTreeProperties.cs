using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The engine's tournament tree against a dictionary of keys: after any sequence of sets, removals and
/// minimum replacements, made at once or left for the next read, its minimum is the least (key, partition), the partitions it collects up to
/// a threshold are exactly those keyed at most that, and it visits its entries in (key, partition)
/// order. Keys include long.MaxValue, the key of the tree's empty leaves, and the partition count is
/// not a power of two, so some leaves are never entered.
/// </summary>
public sealed class TournamentTreeProperties
{
    private const int Partitions = 24;

    [Fact]
    public void Minimum_and_collected_partitions_match_a_plain_map_of_keys() =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, Partitions - 1], Gen.OneOf(Gen.Long[-5, 5], Gen.Const(long.MaxValue), Gen.Const(long.MinValue))).Array[1, 200].Sample(operations =>
        {
            var tree = new TournamentTree(Partitions);
            var keys = new Dictionary<int, long>();
            var collected = new List<int>();
            var pending = new Stack<int>();
            var open = new PriorityQueue<int, (long Key, int Partition)>();
            foreach (var (kind, partition, key) in operations)
            {
                switch (kind)
                {
                    case 0 or 1 or 4:
                        (kind == 4 ? (Action<int, long>)tree.SetLater : tree.Set)(partition, key);
                        keys[partition] = key;
                        break;
                    case 2 or 5:
                        (kind == 5 ? (Action<int>)tree.RemoveLater : tree.Remove)(partition);
                        keys.Remove(partition);
                        break;
                    case 3 when keys.Count > 0:
                        var min = keys.MinBy(k => (k.Value, k.Key)).Key;
                        tree.Set(tree.Min.Partition, key);
                        keys[min] = key;
                        break;
                }

                Assert.Equal(keys.Count, tree.Count);
                Assert.All(Enumerable.Range(0, Partitions), p => Assert.Equal(keys.ContainsKey(p), tree.Contains(p)));
                // Changes left for later pile up until the next read: then it must see them all.
                if (keys.Count == 0 || kind >= 4)
                {
                    continue;
                }

                var least = keys.MinBy(k => (k.Value, k.Key));
                Assert.Equal((least.Value, least.Key), tree.Min);
                collected.Clear();
                tree.CollectAtMost(key, collected, pending);
                Assert.Equal(keys.Where(k => k.Value <= key).Select(k => k.Key).Order(), collected.Order());

                var visitor = new Recorder(Math.Abs(partition % 5) + 1);
                tree.VisitInOrder(ref visitor, open);
                Assert.Equal(keys.OrderBy(k => (k.Value, k.Key)).Take(visitor.Wanted).Select(k => (k.Value, k.Key)), visitor.Visited);
            }
        }, iter: 2_000);

    private struct Recorder(int wanted) : IEntryVisitor
    {
        public int Wanted => wanted;

        public List<(long Key, int Partition)> Visited { get; } = [];

        public bool Visit(long key, int partition)
        {
            Visited.Add((key, partition));
            return Visited.Count < wanted;
        }
    }
}
