using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// A binary min-heap of partitions ordered by (key, partition index), that knows where each
/// partition sits, so one partition's key can change in O(log k) while the heap is kept across
/// releases: per-release work then follows the partitions that changed, not all of them. The
/// index stands for (topic index, partition), so ties break deterministically; a partition
/// appears at most once.
/// </summary>
internal sealed class PartitionHeap
{
    private (long Key, int Partition)[] _nodes = [];

    // Where each partition's node is; -1 when the partition is not in the heap.
    private int[] _positions = [];

    public PartitionHeap(int partitions) => Reset(partitions);

    public int Count { get; private set; }

    public (long Key, int Partition) Min => _nodes[0];

    /// <summary>The node at a position of the heap's array: a node's children are at 2n+1 and 2n+2.</summary>
    public (long Key, int Partition) NodeAt(int position) => _nodes[position];

    /// <summary>Empties the heap for partitions indexed 0 to <paramref name="partitions"/> - 1.</summary>
    public void Reset(int partitions)
    {
        _nodes = new (long, int)[Math.Max(partitions, 1)];
        _positions = new int[partitions];
        Array.Fill(_positions, -1);
        Count = 0;
    }

    public bool Contains(int partition) => _positions[partition] >= 0;

    /// <summary>Adds the partition with the key, or moves it to the key if it is in the heap already.</summary>
    public void Set(int partition, long key)
    {
        var position = _positions[partition];
        if (position < 0)
        {
            position = Count++;
            _nodes[position] = (key, partition);
            _positions[partition] = position;
            SiftUp(position);
            return;
        }

        var old = _nodes[position].Key;
        _nodes[position].Key = key;
        if (key < old)
        {
            SiftUp(position);
        }
        else if (key > old)
        {
            SiftDown(position);
        }
    }

    public void Remove(int partition)
    {
        var position = _positions[partition];
        if (position < 0)
        {
            return;
        }

        _positions[partition] = -1;
        Count--;
        if (position < Count)
        {
            // The last node fills the hole, and may belong above it or below it.
            var moved = _nodes[Count];
            _nodes[position] = moved;
            _positions[moved.Partition] = position;
            SiftUp(position);
            SiftDown(_positions[moved.Partition]);
        }
    }

    /// <summary>Replaces the minimum's key (its partition's next head) and restores order.</summary>
    public void ReplaceMinKey(long key)
    {
        _nodes[0].Key = key;
        SiftDown(0);
    }

    public void RemoveMin() => Remove(_nodes[0].Partition);

    /// <summary>Adds to <paramref name="into"/> every partition whose key is at most <paramref name="threshold"/>, in no particular order.</summary>
    public void CollectAtMost(long threshold, List<int> into, Stack<int> pending)
    {
        pending.Clear();
        if (Count > 0)
        {
            pending.Push(0);
        }

        // A node above the threshold has only such nodes below it.
        while (pending.TryPop(out var position))
        {
            if (_nodes[position].Key > threshold)
            {
                continue;
            }

            into.Add(_nodes[position].Partition);
            for (var child = (2 * position) + 1; child <= (2 * position) + 2 && child < Count; child++)
            {
                pending.Push(child);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less((long Key, int Partition) a, (long Key, int Partition) b) =>
        a.Key < b.Key || (a.Key == b.Key && a.Partition < b.Partition);

    private void SiftUp(int index)
    {
        var nodes = _nodes;
        var node = nodes[index];
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!Less(node, nodes[parent]))
            {
                break;
            }

            nodes[index] = nodes[parent];
            _positions[nodes[index].Partition] = index;
            index = parent;
        }

        nodes[index] = node;
        _positions[node.Partition] = index;
    }

    private void SiftDown(int index)
    {
        var nodes = _nodes;
        var count = Count;
        var node = nodes[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Less(nodes[child + 1], nodes[child]))
            {
                child++;
            }

            if (!Less(nodes[child], node))
            {
                break;
            }

            nodes[index] = nodes[child];
            _positions[nodes[index].Partition] = index;
            index = child;
        }

        nodes[index] = node;
        _positions[node.Partition] = index;
    }
}
