namespace TypedKafka.Engine;

/// <summary>
/// A partition's held messages in release order when rows within the reorder window are released
/// by timestamp: a min-heap on (run, timestamp, sequence). A late message (further behind the
/// partition's stream time than the window) starts a new run, so it goes out after everything
/// stored before it and before everything stored after it: it keeps its offset position, and the
/// rows on either side of it are ordered among themselves.
/// </summary>
internal sealed class ReorderIndex
{
    private Entry[] _heap = new Entry[64];
    private int _count;
    private long _run;

    public long MinSequence => _heap[0].Sequence;

    public void Add(long timestampMs, long sequence, bool startsRun)
    {
        if (startsRun)
        {
            _run++;
        }

        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _count * 2);
        }

        // Sift up.
        var entry = new Entry(_run, timestampMs, sequence);
        var index = _count++;
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!Less(entry, _heap[parent]))
            {
                break;
            }

            _heap[index] = _heap[parent];
            index = parent;
        }

        _heap[index] = entry;
    }

    public long RemoveMin()
    {
        var min = _heap[0].Sequence;
        var last = _heap[--_count];
        var index = 0;
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Less(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Less(_heap[child], last))
            {
                break;
            }

            _heap[index] = _heap[child];
            index = child;
        }

        if (_count > 0)
        {
            _heap[index] = last;
        }

        return min;
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.Run != b.Run ? a.Run < b.Run : a.TimestampMs != b.TimestampMs ? a.TimestampMs < b.TimestampMs : a.Sequence < b.Sequence;

    private readonly record struct Entry(long Run, long TimestampMs, long Sequence);
}
