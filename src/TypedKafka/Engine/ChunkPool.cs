using System.Numerics;

namespace TypedKafka.Engine;

/// <summary>
/// A store of arrays of <typeparamref name="T"/> in power-of-two lengths from a smallest to a largest.
/// They live as long as messages wait for the watermark, often across many collections, so they are
/// allocated on the pinned object heap (the GC never copies them, as it would young arrays that
/// survive) and uninitialised (every element read was written first). A pool keeps its free arrays
/// up to a number of bytes; when it is disposed they go, with those returned after, to a
/// process-wide spare set (up to 16 MiB for each element type) that the next engine draws from
/// first, so a process that replays again and again (a restarted hosted consumer, a test suite)
/// allocates none. An array longer than the largest pooled length is allocated for the one that
/// asks, on the ordinary heap, and not kept.
/// Rent and Return are single-threaded, like the engine.
/// </summary>
internal sealed class ChunkPool<T> : IDisposable
    where T : unmanaged
{
    private const long MaxSpareBytes = 16L * 1024 * 1024; // kept for the next engine.
    private static readonly Stack<T[]>[] Spare = NewClasses(); // indexed by log2 of the length
    private static long s_spareBytes; // under lock (Spare)
    private static readonly int ElementSize = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    private readonly Stack<T[]>[] _free = NewClasses();
    private readonly int _minLength;
    private readonly int _maxLength;
    private readonly long _maxRetainedBytes;
    private long _retainedBytes;
    private bool _disposed;

    /// <param name="minLength">The smallest array, a power of two.</param>
    /// <param name="maxLength">The largest pooled array, a power of two.</param>
    /// <param name="maxRetainedBytes">How many bytes of free arrays the pool keeps.</param>
    public ChunkPool(int minLength, int maxLength, long maxRetainedBytes)
    {
        if (!BitOperations.IsPow2(minLength) || !BitOperations.IsPow2(maxLength) || minLength > maxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(minLength), $"Array lengths {minLength} to {maxLength} must be powers of two, the least first.");
        }

        (_minLength, _maxLength, _maxRetainedBytes) = (minLength, maxLength, maxRetainedBytes);
    }

    /// <summary>
    /// An array of the smallest pooled length that is at least <paramref name="minimumLength"/> and
    /// <paramref name="preferredLength"/>, or an unpooled array of exactly <paramref name="minimumLength"/>
    /// when that is more than the largest pooled length.
    /// </summary>
    public T[] Rent(int minimumLength, int preferredLength = 0)
    {
        if (minimumLength > _maxLength)
        {
            return GC.AllocateUninitializedArray<T>(minimumLength);
        }

        var length = (int)Math.Min(_maxLength, BitOperations.RoundUpToPowerOf2((uint)Math.Max(_minLength, Math.Max(minimumLength, preferredLength))));
        var sizeClass = BitOperations.Log2((uint)length);
        if (_free[sizeClass].TryPop(out var array))
        {
            _retainedBytes -= Bytes(array);
            return array;
        }

        lock (Spare)
        {
            if (Spare[sizeClass].TryPop(out array))
            {
                s_spareBytes -= Bytes(array);
                return array;
            }
        }

        return GC.AllocateUninitializedArray<T>(length, pinned: true);
    }

    public void Return(T[] array)
    {
        if (array.Length < _minLength || array.Length > _maxLength || !BitOperations.IsPow2(array.Length))
        {
            return;
        }

        if (_disposed)
        {
            // What a disposed engine's partitions give back goes straight to the spare set: kept in
            // this pool first, its stacks would grow by thousands of entries only to be emptied.
            lock (Spare)
            {
                ToSpare(array);
            }
        }
        else if (_retainedBytes + Bytes(array) <= _maxRetainedBytes)
        {
            _free[BitOperations.Log2((uint)array.Length)].Push(array);
            _retainedBytes += Bytes(array);
        }
    }

    /// <summary>Gives the free arrays to the process-wide spare set (up to its limit); arrays returned from now on go there too.</summary>
    public void Dispose()
    {
        _disposed = true;
        lock (Spare)
        {
            // Smallest first: with many partitions most arrays in use are of the smallest lengths.
            foreach (var free in _free)
            {
                while (free.TryPop(out var array))
                {
                    ToSpare(array);
                }
            }
        }

        _retainedBytes = 0;
    }

    // Under lock (Spare).
    private static void ToSpare(T[] array)
    {
        if (s_spareBytes + Bytes(array) <= MaxSpareBytes)
        {
            Spare[BitOperations.Log2((uint)array.Length)].Push(array);
            s_spareBytes += Bytes(array);
        }
    }

    private static long Bytes(T[] array) => (long)array.Length * ElementSize;

    private static Stack<T[]>[] NewClasses() => [.. Enumerable.Range(0, 31).Select(_ => new Stack<T[]>())];
}
