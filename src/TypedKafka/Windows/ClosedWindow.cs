using Apache.Arrow;

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
                    yield return copy;
                    pieces.Clear();
                    pending = 0;
                }
            }
        }

        if (pending > 0)
        {
            using var copy = Copy(pieces, pending);
            yield return copy;
        }
    }

    // Slices share the window's buffers: never disposed themselves.
    private static RecordBatch Slice(RecordBatch batch, int offset, int length) =>
        new(batch.Schema, Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowArrayFactory.Slice(batch.Column(c), offset, length)), length);

    private RecordBatch Copy(List<RecordBatch> pieces, int length)
    {
        var columns = new IArrowArray[Schema.FieldsList.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var parts = pieces.Select(p => p.Column(c)).ToList();

            // The concatenator hands a single array back as it is; an empty second part makes it copy, so the result never shares the window's memory.
            if (parts.Count == 1)
            {
                parts.Add(ArrowArrayFactory.Slice(parts[0], 0, 0));
            }

            columns[c] = ArrowArrayConcatenator.Concatenate(parts);
        }

        return new RecordBatch(Schema, columns, length);
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
