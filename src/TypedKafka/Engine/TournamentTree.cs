using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// The least (key, partition index) among the partitions entered, kept across releases so that
/// one partition's key changes in O(log k). A winner tree: a leaf per partition, and each inner
/// node holds the lesser of its two children, so the root is the minimum. Changing a leaf replays
/// its path to the root, a fixed number of steps of one comparison each that the JIT compiles
/// without branches; a binary heap's sift, two comparisons a level whose outcome the processor
/// cannot predict, cost three times as much a message at 4,096 partitions (see docs/benchmarks.md).
/// Changes made between two reads can be left to the next read (<see cref="SetLater"/>,
/// <see cref="RemoveLater"/>), which then recomputes each node above them once: a release that
/// follows changes to thousands of partitions pays about one pass over the tree, not a path each.
/// The index stands for (topic index, partition), so ties break deterministically.
/// </summary>
internal sealed class TournamentTree : IDisposable
{
    // A leaf whose partition is not entered; it loses to every entry, even one keyed long.MaxValue.
    private static readonly Node Empty = new(long.MaxValue, int.MaxValue);

    // Node 1 is the root, node i's children are 2i and 2i + 1, and partition p's leaf is _leaves + p.
    // From the shared pool: 128 KiB at 4,096 partitions, which every engine would allocate again.
    private Node[] _nodes = [];
    private int _leaves;

    // Inner nodes to recompute for the changes left to the next read, all on one level (every leaf
    // is on the lowest), and which inner nodes are listed; from the shared pool like the nodes.
    private int[] _pending = [];
    private bool[] _listed = [];
    private int _pendingCount;

    public TournamentTree(int partitions) => Reset(partitions);

    public int Count { get; private set; }

    /// <summary>The least entry; valid when <see cref="Count"/> is above 0.</summary>
    public (long Key, int Partition) Min
    {
        get
        {
            ApplyPending();
            return (_nodes[1].Key, _nodes[1].Partition);
        }
    }

    /// <summary>Empties the tree for partitions indexed 0 to <paramref name="partitions"/> - 1.</summary>
    public void Reset(int partitions)
    {
        Dispose();
        _leaves = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(partitions, 1));
        _nodes = ArrayPool<Node>.Shared.Rent(2 * _leaves);
        _nodes.AsSpan(0, 2 * _leaves).Fill(Empty);
        _pending = ArrayPool<int>.Shared.Rent(_leaves);
        _listed = ArrayPool<bool>.Shared.Rent(_leaves);
        _listed.AsSpan(0, _leaves).Clear();
        Count = 0;
    }

    public void Dispose()
    {
        if (_nodes.Length > 0)
        {
            ArrayPool<Node>.Shared.Return(_nodes);
            ArrayPool<int>.Shared.Return(_pending);
            ArrayPool<bool>.Shared.Return(_listed);
        }

        (_nodes, _pending, _listed) = ([], [], []);
        _leaves = _pendingCount = 0;
        Count = 0;
    }

    public bool Contains(int partition) => _nodes[_leaves + partition].Partition != Empty.Partition;

    /// <summary>Enters the partition with the key, or moves it to the key if it is entered already.</summary>
    public void Set(int partition, long key)
    {
        ApplyPending();
        Count += Contains(partition) ? 0 : 1;
        Replay(partition, new Node(key, partition));
    }

    public void Remove(int partition)
    {
        if (Contains(partition))
        {
            ApplyPending();
            Count--;
            Replay(partition, Empty);
        }
    }

    /// <summary>As <see cref="Set"/>, the order restored at the next read.</summary>
    public void SetLater(int partition, long key)
    {
        Count += Contains(partition) ? 0 : 1;
        _nodes[_leaves + partition] = new Node(key, partition);
        ListParentOf(_leaves + partition);
    }

    /// <summary>As <see cref="Remove"/>, the order restored at the next read.</summary>
    public void RemoveLater(int partition)
    {
        if (Contains(partition))
        {
            Count--;
            _nodes[_leaves + partition] = Empty;
            ListParentOf(_leaves + partition);
        }
    }

    /// <summary>Adds to <paramref name="into"/> every partition whose key is at most <paramref name="threshold"/>, in no particular order.</summary>
    public void CollectAtMost(long threshold, List<int> into, Stack<int> pending)
    {
        ApplyPending();
        pending.Clear();
        pending.Push(1);

        // A node's key is the least below it: past one above the threshold there is none to collect.
        while (pending.TryPop(out var position))
        {
            var node = _nodes[position];
            if (node.Partition == Empty.Partition || node.Key > threshold)
            {
                continue;
            }

            if (position >= _leaves)
            {
                into.Add(node.Partition);
                continue;
            }

            pending.Push(2 * position);
            pending.Push((2 * position) + 1);
        }
    }

    /// <summary>
    /// Visits the entries from the least up, each once, while <paramref name="visit"/> returns true:
    /// a walk down the tree that opens the least node not yet opened, so it costs O(m log k) for m visits.
    /// </summary>
    public void VisitInOrder<TVisitor>(ref TVisitor visit, PriorityQueue<int, (long Key, int Partition)> open)
        where TVisitor : struct, IEntryVisitor
    {
        ApplyPending();
        open.Clear();
        open.Enqueue(1, (_nodes[1].Key, _nodes[1].Partition));
        while (open.TryDequeue(out var position, out var entry))
        {
            if (entry.Partition == Empty.Partition)
            {
                return;
            }

            if (position >= _leaves)
            {
                if (!visit.Visit(entry.Key, entry.Partition))
                {
                    return;
                }

                continue;
            }

            open.Enqueue(2 * position, (_nodes[2 * position].Key, _nodes[2 * position].Partition));
            open.Enqueue((2 * position) + 1, (_nodes[(2 * position) + 1].Key, _nodes[(2 * position) + 1].Partition));
        }
    }

    private void ListParentOf(int position)
    {
        if (ListOnce(position >> 1))
        {
            _pending[_pendingCount++] = position >> 1;
        }
    }

    /// <summary>Marks an inner node to recompute; false when it is the root's parent or listed already.</summary>
    private bool ListOnce(int node)
    {
        if (node < 1 || _listed[node])
        {
            return false;
        }

        _listed[node] = true;
        return true;
    }

    /// <summary>Recomputes the nodes above the changes left for later, a level at a time from the leaves up, each once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ApplyPending()
    {
        if (_pendingCount > 0)
        {
            ApplyPendingLevels();
        }
    }

    private void ApplyPendingLevels()
    {
        var nodes = _nodes;
        var count = _pendingCount;
        _pendingCount = 0;
        while (count > 0)
        {
            // A node lists its parent at most once, so the next level overwrites only entries already done.
            var next = 0;
            for (var i = 0; i < count; i++)
            {
                var position = _pending[i];
                _listed[position] = false;
                ref readonly var left = ref nodes[2 * position];
                ref readonly var right = ref nodes[(2 * position) + 1];
                var rightWins = right.GoesBefore(left.Key, left.Partition);
                nodes[position] = rightWins ? right : left;
                if (ListOnce(position >> 1))
                {
                    _pending[next++] = position >> 1;
                }
            }

            count = next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Replay(int partition, Node leaf)
    {
        var nodes = _nodes;
        var position = _leaves + partition;
        nodes[position] = leaf;
        var (key, index) = (leaf.Key, leaf.Partition);
        while (position > 1)
        {
            // Written as selects, not branches: which side wins is as good as random.
            ref readonly var sibling = ref nodes[position ^ 1];
            var siblingWins = sibling.GoesBefore(key, index);
            key = siblingWins ? sibling.Key : key;
            index = siblingWins ? sibling.Partition : index;
            position >>= 1;
            nodes[position] = new Node(key, index);
        }
    }

    /// <summary>
    /// The order of entries, here and in <see cref="TimestampQueue"/>: by key, ties by partition.
    /// Non-short-circuit operators, so that callers compile to selects.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GoesBefore(long key, int partition, long otherKey, int otherPartition) =>
        (key < otherKey) | ((key == otherKey) & (partition < otherPartition));

    private readonly record struct Node(long Key, int Partition)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool GoesBefore(long key, int partition) => TournamentTree.GoesBefore(Key, Partition, key, partition);
    }
}

/// <summary>What <see cref="TournamentTree.VisitInOrder"/> calls for each entry, least first; false stops the walk.</summary>
internal interface IEntryVisitor
{
    bool Visit(long key, int partition);
}
