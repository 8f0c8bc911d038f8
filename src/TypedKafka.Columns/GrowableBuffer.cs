using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Memory;

namespace TypedKafka.Columns;

/// <summary>
/// A managed array that only grows, reused batch after batch: after the first batches a decoder
/// allocates nothing per row. <see cref="ToArrow"/> copies the used part into native memory, as the
/// rest of TypedKafka's batches are. A building block of columns, here and in the registry formats' decoders.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public struct GrowableBuffer<T>
    where T : unmanaged
{
    private T[] _items;

    /// <summary>An empty buffer with room for <paramref name="capacity"/> items (at least 4).</summary>
    public GrowableBuffer(int capacity) => _items = new T[Math.Max(capacity, 4)];

    /// <summary>Items used.</summary>
    public int Count { get; private set; }

    /// <summary>The used items.</summary>
    public readonly Span<T> Used => _items.AsSpan(0, Count);

    /// <summary>The item at <paramref name="index"/> (not checked against <see cref="Count"/>).</summary>
    public readonly T this[int index] => _items[index];

    /// <summary>Appends <paramref name="item"/>, growing the array if need be.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Grow(Count + 1);
        }

        _items[Count++] = item;
    }

    /// <summary>A span of at least <paramref name="length"/> items after the used ones; <see cref="Commit"/> what was written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Reserve(int length)
    {
        if (_items.Length - Count < length)
        {
            Grow(Count + length);
        }

        return _items.AsSpan(Count);
    }

    /// <summary>Counts <paramref name="length"/> items written into the span <see cref="Reserve"/> gave as used.</summary>
    public void Commit(int length) => Count += length;

    /// <summary>Keeps the first <paramref name="count"/> items.</summary>
    public void Truncate(int count) => Count = count;

    /// <summary>Starts over, keeping the array.</summary>
    public void Clear() => Count = 0;

    /// <summary>The first <paramref name="count"/> items, copied into a native Arrow buffer.</summary>
    public readonly ArrowBuffer ToArrow(int count)
    {
        if (count == 0)
        {
            return ArrowBuffer.Empty;
        }

        var native = new NativeBuffer<T, MemoryPressureAllocationTracker>(count, false, default);
        _items.AsSpan(0, count).CopyTo(native.Span);
        return native.Build();
    }

    /// <summary>Native bytes of the first <paramref name="count"/> items, for layouts that reinterpret them.</summary>
    public readonly ReadOnlySpan<byte> Bytes(int count) => MemoryMarshal.AsBytes(_items.AsSpan(0, count));

    private void Grow(int needed)
    {
        var capacity = Math.Max(needed, (int)Math.Min((long)_items.Length * 2, System.Array.MaxLength));
        System.Array.Resize(ref _items, capacity);
    }
}

/// <summary>
/// A validity bitmap that exists only once a null was appended: columns without nulls, the common
/// case, never touch bits and get Arrow's empty validity buffer.
/// </summary>
public struct ValidityBitmap
{
    private byte[]? _bits;
    private byte[]? _spare;

    /// <summary>Rows appended.</summary>
    public int Length { get; private set; }

    /// <summary>Null rows appended.</summary>
    public int NullCount { get; private set; }

    /// <summary>Appends a valid row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendValid()
    {
        if (_bits is not null)
        {
            SetBit(Length, true);
        }

        Length++;
    }

    /// <summary>Appends a null row (the first one creates the bits).</summary>
    public void AppendNull()
    {
        if (_bits is null)
        {
            var needed = (Length >> 3) + 1;
            _bits = _spare is { } spare && spare.Length >= needed ? spare : new byte[Math.Max(64, needed * 2)];
            _spare = null;
            _bits.AsSpan(0, (Length + 7) >> 3).Fill(0xFF);
        }

        SetBit(Length, false);
        Length++;
        NullCount++;
    }

    /// <summary>Whether row <paramref name="index"/> is valid.</summary>
    public readonly bool IsValid(int index) => _bits is null || (_bits[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>Keeps the first <paramref name="length"/> rows.</summary>
    public void Truncate(int length)
    {
        if (_bits is not null)
        {
            for (var i = length; i < Length; i++)
            {
                if (!IsValid(i))
                {
                    NullCount--;
                }
            }
        }

        Length = length;
    }

    /// <summary>The bitmap in a native buffer, or the empty buffer (all valid) when there are no nulls; starts over.</summary>
    public ArrowBuffer Build()
    {
        var buffer = ArrowBuffer.Empty;
        if (NullCount > 0)
        {
            var bytes = (Length + 7) >> 3;
            var native = new NativeBuffer<byte, MemoryPressureAllocationTracker>(bytes, false, default);
            _bits.AsSpan(0, bytes).CopyTo(native.Span);
            buffer = native.Build();
        }

        // Keep the array for the next batch, but write bits again only once a null shows up.
        _spare = _bits ?? _spare;
        _bits = null;

        Length = 0;
        NullCount = 0;
        return buffer;
    }

    private void SetBit(int index, bool valid)
    {
        var bits = _bits!;
        if ((index >> 3) >= bits.Length)
        {
            System.Array.Resize(ref _bits, bits.Length * 2);
            bits = _bits;
        }

        ref var slot = ref bits[index >> 3];
        var mask = (byte)(1 << (index & 7));
        slot = valid ? (byte)(slot | mask) : (byte)(slot & ~mask);
    }
}
