using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Windows;

/// <summary>
/// A window handed over by a <see cref="WindowAssembler"/>: its bounds and its rows, in release
/// order, as one or more record batches (often zero-copy slices of the released batches).
/// The window owns its batches: dispose the window, not the batches.
/// </summary>
public sealed class ClosedWindow : IDisposable
{
    private readonly List<SharedBatch> _owners;
    private bool _disposed;

    internal ClosedWindow(long startMs, long endMs, Schema schema, List<RecordBatch> batches, List<SharedBatch> owners, long lateRows, WindowCloseReason closedBy)
    {
        ClosedBy = closedBy;
        StartMs = startMs;
        EndMs = endMs;
        Schema = schema;
        Batches = batches;
        _owners = owners;
        LateRows = lateRows;
        RowCount = batches.Sum(b => (long)b.Length);
    }

    /// <summary>Inclusive start, Unix ms.</summary>
    public long StartMs { get; }

    /// <summary>Exclusive end, Unix ms.</summary>
    public long EndMs { get; }

    /// <summary>Inclusive start.</summary>
    public DateTimeOffset Start => DateTimeOffset.FromUnixTimeMilliseconds(StartMs);

    /// <summary>Exclusive end.</summary>
    public DateTimeOffset End => DateTimeOffset.FromUnixTimeMilliseconds(EndMs);

    /// <summary>Schema of the batches (<see cref="Schemas.Message"/> for a window that never saw a batch).</summary>
    public Schema Schema { get; }

    /// <summary>The rows, in release order; none for an empty window. Owned by the window.</summary>
    public IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>Number of rows over all batches.</summary>
    public long RowCount { get; }

    /// <summary>Rows that arrived after the window they belong to was handed over and were put in this one.</summary>
    public long LateRows { get; }

    /// <summary>
    /// What closed the window. Under <see cref="WindowCloseReason.Completed"/> it may lack rows
    /// that were not read yet; the others are complete, but for late live rows (see <see cref="LateRows"/>).
    /// </summary>
    public WindowCloseReason ClosedBy { get; }

    /// <summary>
    /// The rows copied into batches of exactly <paramref name="rowsPerBatch"/> rows (the last one
    /// shorter), whatever batches they were released in: a file written from these is the same,
    /// byte for byte, on every run over the same rows (live or replayed, in any batch size).
    /// Each batch is valid until the enumeration moves on, which disposes it: one copy at a time.
    /// </summary>
    public IEnumerable<RecordBatch> Rebatched(int rowsPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerBatch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Cut(rowsPerBatch);
    }

    private IEnumerable<RecordBatch> Cut(int rowsPerBatch)
    {
        var pieces = new List<RecordBatch>();
        var pending = 0;
        foreach (var batch in Batches)
        {
            for (var at = 0; at < batch.Length;)
            {
                var take = Math.Min(rowsPerBatch - pending, batch.Length - at);
                pieces.Add(Slice(batch, at, take));
                pending += take;
                at += take;
                if (pending == rowsPerBatch)
                {
                    using var copy = Copy(pieces, pending);
                    yield return copy.Batch;
                    pieces.Clear();
                    pending = 0;
                }
            }
        }

        if (pending > 0)
        {
            using var copy = Copy(pieces, pending);
            yield return copy.Batch;
        }
    }

    // Slices share the window's buffers: never disposed themselves.
    private static RecordBatch Slice(RecordBatch batch, int offset, int length) =>
        new(batch.Schema, Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowArrayFactory.Slice(batch.Column(c), offset, length)), length);

    private RowsCopy Copy(List<RecordBatch> pieces, int length)
    {
        var columns = new IArrowArray[Schema.FieldsList.Count];
        var owners = new IArrowArray[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            var parts = pieces.Select(p => (IArrowArray)ArrowArrayFactory.BuildArray(AsStorage(p.Column(c).Data))).ToList();

            // The concatenator hands a single array back as it is; an empty second part makes it copy, so the result never shares the window's memory.
            if (parts.Count == 1)
            {
                parts.Add(ArrowArrayFactory.Slice(parts[0], 0, 0));
            }

            var copy = owners[c] = ArrowArrayConcatenator.Concatenate(parts);
            ClearBitsPastLength(copy.Data);
            columns[c] = ArrowArrayFactory.BuildArray(WithTypes(Trimmed(copy.Data), Schema.FieldsList[c].DataType));
        }

        return new RowsCopy(new RecordBatch(Schema, columns, length), owners);
    }

    /// <summary>A batch of copied rows; its arrays view the concatenated ones, which own the memory.</summary>
    private sealed class RowsCopy(RecordBatch batch, IArrowArray[] owners) : IDisposable
    {
        public RecordBatch Batch { get; } = batch;

        public void Dispose()
        {
            foreach (var owner in owners)
            {
                owner.Dispose();
            }
        }
    }

    // Bitmaps are copied a byte at a time, so the bits past a copy's last row hold whatever rows
    // followed it where it came from; cleared, the same rows give the same bytes however they were batched.
    private static void ClearBitsPastLength(ArrayData data)
    {
        Clear(data.Buffers[0]);
        if (data.DataType.TypeId == ArrowTypeId.Boolean)
        {
            Clear(data.Buffers[1]);
        }

        foreach (var child in data.Children ?? [])
        {
            ClearBitsPastLength(child);
        }

        void Clear(ArrowBuffer buffer)
        {
            var end = data.Offset + data.Length;
            var bits = MemoryMarshal.AsMemory(buffer.Memory).Span;
            if (bits.IsEmpty || end >= bits.Length * 8)
            {
                return;
            }

            bits[end / 8] &= (byte)((1 << (end % 8)) - 1);
            bits[((end / 8) + 1)..].Clear();
        }
    }

    // The concatenator sizes buffers by their sources' padded lengths, so a copy made of more parts
    // has longer buffers; cut to what the rows use, the same rows give the same bytes.
    private static ArrayData Trimmed(ArrayData data)
    {
        var rows = data.Offset + data.Length;
        var buffers = data.Buffers.ToArray();
        Cut(0, (rows + 7) / 8);
        var children = data.Children;
        switch (data.DataType)
        {
            case BooleanType:
                Cut(1, (rows + 7) / 8);
                break;
            case FixedWidthType fixedWidth:
                Cut(1, (((long)rows * fixedWidth.BitWidth) + 7) / 8);
                break;
            case BinaryType or StringType:
                Cut(1, (rows + 1) * sizeof(int));
                Cut(2, rows == 0 ? 0 : MemoryMarshal.Read<int>(buffers[1].Span[(rows * sizeof(int))..]));
                break;
            case ListType:
                Cut(1, (rows + 1) * sizeof(int));
                children = [.. children.Select(Trimmed)];
                break;
            case StructType:
                children = [.. children.Select(Trimmed)];
                break;
        }

        return new ArrayData(data.DataType, data.Length, data.NullCount, data.Offset, buffers, children, data.Dictionary);

        void Cut(int index, long length)
        {
            if (index < buffers.Length && !buffers[index].IsEmpty && buffers[index].Length > length)
            {
                buffers[index] = new ArrowBuffer(buffers[index].Memory[..(int)length]);
            }
        }
    }

    // The concatenator knows no extension types (a Guid column): it copies their storage, and the copy gets its types back.
    private static ArrayData AsStorage(ArrayData data)
    {
        var type = data.DataType is ExtensionType extension ? extension.StorageType : data.DataType;
        var children = data.Children?.Select(AsStorage).ToArray();
        return ReferenceEquals(type, data.DataType) && (data.Children is null || data.Children.Zip(children!).All(p => ReferenceEquals(p.First, p.Second)))
            ? data
            : new ArrayData(type, data.Length, data.NullCount, data.Offset, data.Buffers, children, data.Dictionary);
    }

    private static ArrayData WithTypes(ArrayData data, IArrowType type)
    {
        var children = data.Children is { Length: > 0 } && (type is ExtensionType ext ? ext.StorageType : type) is NestedType nested
            ? data.Children.Select((child, i) => WithTypes(child, nested.Fields[i].DataType)).ToArray()
            : data.Children;
        return new ArrayData(type, data.Length, data.NullCount, data.Offset, data.Buffers, children, data.Dictionary);
    }

    /// <summary>Releases the batches' memory once no other window shares it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var owner in _owners)
        {
            owner.Release();
        }
    }
}

/// <summary>What closed a <see cref="ClosedWindow"/>; a window is closed by whichever comes first.</summary>
public enum WindowCloseReason
{
    /// <summary>A row of a later window was added.</summary>
    LaterRow,

    /// <summary>The release watermark reached the window's end.</summary>
    Watermark,

    /// <summary>In live mode, wall-clock time reached the window's end plus the grace.</summary>
    Clock,

    /// <summary><see cref="WindowAssembler.Complete"/>: the input ended, or its reader stopped, while the window was open.</summary>
    Completed,
}

/// <summary>A released batch shared by the windows holding slices of it; disposed with the last.</summary>
internal sealed class SharedBatch(RecordBatch batch)
{
    private int _references = 1;

    public RecordBatch Batch { get; } = batch;

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Batch.Dispose();
        }
    }
}
