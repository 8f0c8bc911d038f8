using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// The least (timestamp, partition index) among the partitions entered, for the merge's heads. Most
/// entries sit in a window of millisecond buckets that slides with the minimum: entering one and
/// finding the next minimum cost a few steps whatever the partition count, where a tree of 4,096
/// leaves takes twelve dependent comparisons a row (the merge of interleaved partitions pays that
/// on every row: see docs/benchmarks.md). A key the window cannot take (it would then span more than
/// <see cref="WindowMs"/>), one whose bucket is full, and every key while the tree holds more than the
/// window, goes to a <see cref="TournamentTree"/>, and the minimum is the lesser of the two; so any
/// keys are ordered exactly, and the tree's cost is paid only by those. Every key in the window lies
/// in [start, start + <see cref="WindowMs"/>), so
/// each bucket holds one timestamp and its entries differ only by partition.
/// </summary>
internal sealed class TimestampQueue : IDisposable
{
    /// <summary>The window's length: heads further apart than about 16 s go to the tree.</summary>
    public const int WindowMs = 1 << 14;

    // A bucket holds at most this many partitions, so that finding the least partition in it stays a
    // few steps when many heads share a millisecond; the rest go to the tree.
    private const int BucketCapacity = 8;
    private const int Words = WindowMs / 64;

    private const byte Absent = 0;
    private const byte InWindow = 1;
    private const byte InTree = 2;

    private readonly TournamentTree _tree = new(0);

    // By bucket (timestamp modulo the window): its partitions, linked through _nextInBucket, and how
    // many; which buckets hold any, and which words of that hold any bit. From the shared pool, as the tree's.
    private int[] _bucketFirst = [];
    private byte[] _bucketCount = [];
    private ulong[] _occupied = [];
    private ulong[] _occupiedWords = [];

    // By partition.
    private int[] _nextInBucket = [];
    private long[] _keys = [];
    private byte[] _place = [];

    // No key in the window is below _start, which moves up to each minimum found there, and none
    // above _highest, the highest entered since the window was last empty. A key below the start goes
    // in as long as the window still spans less than WindowMs: else the first head entered (in
    // partition order, not time order) could hold every earlier one in the tree.
    private long _start;
    private long _highest;
    private int _inWindow;

    // The least entry's partition once found; -1 when it must be looked for.
    private int _min = -1;

    public TimestampQueue(int partitions) => Reset(partitions);

    public int Count { get; private set; }

    /// <summary>The least entry; valid when <see cref="Count"/> is above 0.</summary>
    public (long Key, int Partition) Min
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_min < 0)
            {
                _min = FindMin();
            }

            return (_keys[_min], _min);
        }
    }

    /// <summary>Empties the queue for partitions indexed 0 to <paramref name="partitions"/> - 1.</summary>
    public void Reset(int partitions)
    {
        Dispose();
        _tree.Reset(partitions);
        _bucketFirst = ArrayPool<int>.Shared.Rent(WindowMs);
        _bucketCount = ArrayPool<byte>.Shared.Rent(WindowMs);
        _occupied = ArrayPool<ulong>.Shared.Rent(Words);
        _occupiedWords = ArrayPool<ulong>.Shared.Rent(Words / 64);
        _bucketCount.AsSpan(0, WindowMs).Clear();
        _occupied.AsSpan(0, Words).Clear();
        _occupiedWords.AsSpan(0, Words / 64).Clear();

        var count = Math.Max(partitions, 1);
        _nextInBucket = ArrayPool<int>.Shared.Rent(count);
        _keys = ArrayPool<long>.Shared.Rent(count);
        _place = ArrayPool<byte>.Shared.Rent(count);
        _place.AsSpan(0, count).Clear();
    }

    public void Dispose()
    {
        if (_bucketFirst.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_bucketFirst);
            ArrayPool<byte>.Shared.Return(_bucketCount);
            ArrayPool<ulong>.Shared.Return(_occupied);
            ArrayPool<ulong>.Shared.Return(_occupiedWords);
            ArrayPool<int>.Shared.Return(_nextInBucket);
            ArrayPool<long>.Shared.Return(_keys);
            ArrayPool<byte>.Shared.Return(_place);
        }

        _tree.Dispose();
        (_bucketFirst, _bucketCount, _occupied, _occupiedWords) = ([], [], [], []);
        (_nextInBucket, _keys, _place) = ([], [], []);
        _inWindow = 0;
        _min = -1;
        Count = 0;
    }

    public bool Contains(int partition) => _place[partition] != Absent;

    /// <summary>Enters the partition with the key, or moves it to the key if it is entered already.</summary>
    public void Set(int partition, long key)
    {
        // With a reorder window the engine sets a partition's head on every message; most leave it as it was.
        if (_place[partition] != Absent && _keys[partition] == key)
        {
            return;
        }

        // Moved within the tree, it is replayed once, not taken out and entered again.
        if (_place[partition] == InTree && !FitsWindow(key))
        {
            _tree.Set(partition, key);
            _keys[partition] = key;
            _min = _min == partition ? -1 : _min;
            KeepMinKnown(partition, key);
            return;
        }

        Remove(partition);
        Enter(partition, key);
    }

    public void Remove(int partition)
    {
        switch (_place[partition])
        {
            case InWindow:
                Unlink(partition);
                break;
            case InTree:
                _tree.Remove(partition);
                break;
            default:
                return;
        }

        _place[partition] = Absent;
        Count--;
        _min = _min == partition ? -1 : _min;
    }

    /// <summary>Replaces the minimum's key (its partition's next head).</summary>
    public void ReplaceMinKey(long key) => Set(Min.Partition, key);

    public void RemoveMin() => Remove(Min.Partition);

    /// <summary>
    /// Whether the key would go to the window: an empty one starts at it. While the tree holds more
    /// than the window, everything goes to the tree: heads so dense that most buckets are full
    /// (thousands of partitions read at a high rate, tens of heads a millisecond) cost the tree's
    /// price, not that and the window's on top, and the window starts again once it has emptied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool FitsWindow(long key) =>
        _inWindow == 0
            || (_tree.Count <= _inWindow
                && _bucketCount[(int)(key & (WindowMs - 1))] < BucketCapacity
                // Compared as unsigned so that no pair of keys overflows.
                && (key >= _start ? (ulong)key - (ulong)_start < WindowMs : (ulong)_highest - (ulong)key < WindowMs));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enter(int partition, long key)
    {
        if (FitsWindow(key))
        {
            (_start, _highest) = _inWindow == 0 ? (key, key) : (Math.Min(_start, key), Math.Max(_highest, key));
            var bucket = (int)(key & (WindowMs - 1));
            _nextInBucket[partition] = _bucketFirst[bucket];
            _bucketFirst[bucket] = partition;
            if (_bucketCount[bucket]++ == 0)
            {
                _occupied[bucket >> 6] |= 1UL << bucket;
                _occupiedWords[bucket >> 12] |= 1UL << (bucket >> 6);
            }

            _inWindow++;
            _place[partition] = InWindow;
        }
        else
        {
            _tree.Set(partition, key);
            _place[partition] = InTree;
        }

        _keys[partition] = key;
        Count++;
        KeepMinKnown(partition, key);
    }

    /// <summary>A known minimum stays known: an entry just made either goes before it or not.</summary>
    private void KeepMinKnown(int partition, long key)
    {
        if (_min >= 0 && TournamentTree.GoesBefore(key, partition, _keys[_min], _min))
        {
            _min = partition;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unlink(int partition)
    {
        var bucket = (int)(_keys[partition] & (WindowMs - 1));
        if (_bucketCount[bucket] > 1)
        {
            ref var link = ref _bucketFirst[bucket];
            while (link != partition)
            {
                link = ref _nextInBucket[link];
            }

            link = _nextInBucket[partition];
        }

        if (--_bucketCount[bucket] == 0)
        {
            _occupied[bucket >> 6] &= ~(1UL << bucket);
            if (_occupied[bucket >> 6] == 0)
            {
                _occupiedWords[bucket >> 12] &= ~(1UL << (bucket >> 6));
            }
        }

        _inWindow--;
    }

    /// <summary>The least of the window's first bucket (its least partition) and the tree's minimum.</summary>
    private int FindMin()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("An empty queue has no minimum.");
        }

        if (_inWindow == 0)
        {
            return _tree.Min.Partition;
        }

        var bucket = NextOccupied((int)(_start & (WindowMs - 1)));
        var least = _bucketFirst[bucket];
        var partition = least;
        for (var n = _bucketCount[bucket]; n > 1; n--)
        {
            partition = _nextInBucket[partition];
            least = Math.Min(least, partition);
        }

        // Every key in the window is at or after this one: the window may start here.
        _start = _keys[least];
        if (_tree.Count > 0)
        {
            var (treeKey, treePartition) = _tree.Min;
            return TournamentTree.GoesBefore(treeKey, treePartition, _start, least) ? treePartition : least;
        }

        return least;
    }

    /// <summary>The first bucket holding any partition at or after <paramref name="from"/>, going round; the window holds one.</summary>
    private int NextOccupied(int from)
    {
        var word = from >> 6;
        var bits = _occupied[word] & (ulong.MaxValue << from);
        if (bits != 0)
        {
            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        }

        // The words after this one, then round to it, through the summary of which words hold a bit:
        // at most five summary words to look at.
        for (var step = 1; step <= Words;)
        {
            var next = (word + step) & (Words - 1);
            var words = _occupiedWords[next >> 6] >> next;
            if (words != 0)
            {
                var found = next + BitOperations.TrailingZeroCount(words);
                return (found << 6) + BitOperations.TrailingZeroCount(_occupied[found]);
            }

            step += 64 - (next & 63);
        }

        throw new UnreachableException("The window holds an entry, yet no bucket is marked.");
    }
}
