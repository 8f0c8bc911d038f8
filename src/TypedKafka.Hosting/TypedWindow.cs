using TypedKafka.Windows;

namespace TypedKafka.Hosting;

/// <summary>
/// One closed window of a windowed consumer: its bounds, and its rows both as Arrow record
/// batches (<see cref="Window"/>, to write with <see cref="WindowFiles"/> or a Parquet writer) and
/// as typed batches. Valid until the handler's task completes.
/// </summary>
/// <typeparam name="T">A [KafkaMessage] type.</typeparam>
public sealed class TypedWindow<T>
    where T : IArrowMessage<T>
{
    internal TypedWindow(ClosedWindow window)
    {
        Window = window;
        Batches = [.. window.Batches.Select(TypedBatch.Borrow<T>)];
    }

    /// <summary>The window as the <see cref="WindowAssembler"/> closed it: bounds, counts and Arrow batches.</summary>
    public ClosedWindow Window { get; }

    /// <summary>Inclusive start.</summary>
    public DateTimeOffset Start => Window.Start;

    /// <summary>Exclusive end.</summary>
    public DateTimeOffset End => Window.End;

    /// <summary>Rows over all batches, bad payloads included.</summary>
    public long RowCount => Window.RowCount;

    /// <summary>Live rows that came after their own window was handed over and were put in this one.</summary>
    public long LateRows => Window.LateRows;

    /// <summary>What closed the window; <see cref="WindowCloseReason.Completed"/> when the host stopped while it was open.</summary>
    public WindowCloseReason ClosedBy => Window.ClosedBy;

    /// <summary>The rows as typed batches, in release order (none for an empty window). They belong to the window: disposing them is not needed.</summary>
    public IReadOnlyList<TypedBatch<T>> Batches { get; }

    /// <summary>The decoded messages of every batch, in release order; bad payloads are left out (see <see cref="TypedBatch{T, TKey}.Errors"/>).</summary>
    public IEnumerable<T> Rows => Batches.SelectMany(b => b.Rows);
}
