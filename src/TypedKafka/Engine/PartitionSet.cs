namespace TypedKafka.Engine;

/// <summary>A set of partition indexes with constant-time add and remove, listed in no particular order.</summary>
internal sealed class PartitionSet
{
    private int[] _items = [];

    // Where each partition is in _items; -1 when it is not in the set.
    private int[] _positions = [];

    public int Count { get; private set; }

    public int this[int position] => _items[position];

    /// <summary>Empties the set for partitions indexed 0 to <paramref name="partitions"/> - 1.</summary>
    public void Reset(int partitions)
    {
        _items = new int[partitions];
        _positions = new int[partitions];
        Array.Fill(_positions, -1);
        Count = 0;
    }

    public void Add(int partition)
    {
        if (_positions[partition] < 0)
        {
            _positions[partition] = Count;
            _items[Count++] = partition;
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
        var last = _items[--Count];
        if (position < Count)
        {
            _items[position] = last;
            _positions[last] = position;
        }
    }
}
