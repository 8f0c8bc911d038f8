using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// A binary min-heap of partition heads ordered by (timestamp, partition index). The index
/// stands for (topic index, partition), so ties between partitions break deterministically; a
/// partition appears at most once, so offsets never need comparing.
/// </summary>
internal sealed class HeadHeap
{
    private (long TimestampMs, int Partition)[] _nodes;

    public HeadHeap(int capacity)
    {
        _nodes = new (long, int)[Math.Max(capacity, 1)];
    }

    public int Count { get; private set; }

    public (long TimestampMs, int Partition) Min => _nodes[0];

    public void Clear() => Count = 0;

    /// <summary>Adds without restoring heap order; call <see cref="Heapify"/> after the last one.</summary>
    public void AddUnordered(long timestampMs, int partition)
    {
        if (Count == _nodes.Length)
        {
            Array.Resize(ref _nodes, Count * 2);
        }

        _nodes[Count++] = (timestampMs, partition);
    }

    public void Heapify()
    {
        for (var i = (Count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    /// <summary>Replaces the minimum's timestamp (its partition's next head) and restores order.</summary>
    public void ReplaceMinTimestamp(long timestampMs)
    {
        _nodes[0].TimestampMs = timestampMs;
        SiftDown(0);
    }

    public void RemoveMin()
    {
        Count--;
        if (Count > 0)
        {
            _nodes[0] = _nodes[Count];
            SiftDown(0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less((long TimestampMs, int Partition) a, (long TimestampMs, int Partition) b) =>
        a.TimestampMs < b.TimestampMs || (a.TimestampMs == b.TimestampMs && a.Partition < b.Partition);

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
            index = child;
        }

        nodes[index] = node;
    }
}
