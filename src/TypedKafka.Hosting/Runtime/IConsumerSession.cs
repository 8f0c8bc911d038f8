using Apache.Arrow;
using TypedKafka.Windows;

namespace TypedKafka.Hosting.Runtime;

/// <summary>A connected consumer and its handler, typed or raw, by batch or by window; used from the poll thread only.</summary>
internal interface IConsumerSession : IDisposable
{
    bool IsLive { get; }

    /// <summary>A bounded read (<see cref="TypedKafkaConsumerOptions.Until"/>) released its last row.</summary>
    bool IsComplete { get; }

    int PausedPartitionCount { get; }

    /// <summary>Polls once and returns what is ready for the handler, in order: a batch, or the windows it closed; possibly nothing. The caller disposes each.</summary>
    IReadOnlyList<IDelivery> Poll(TimeSpan timeout);

    /// <summary>On stop: what is held and can still be handed over (the open window); it is not committed.</summary>
    IReadOnlyList<IDelivery> Close();

    RecordBatch PartitionState();

    /// <summary>Commits the offsets after the rows of <paramref name="handled"/>, whose handler has completed.</summary>
    void Commit(IDelivery handled);
}

/// <summary>One call's worth of rows for the handler: a batch or a window.</summary>
internal interface IDelivery : IDisposable
{
    long RowCount { get; }

    /// <summary>The window, for a windowed consumer; null for a batch.</summary>
    ClosedWindow? Window { get; }

    /// <summary>The rows handed over, as Arrow batches (the typed batch's underlying one): for the producers' trace links.</summary>
    IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>For logs and health: <c>batch trades[0]:120-219</c> or <c>window 2026-01-01T00:01:00Z/00:02:00Z (100 rows) trades[0]:...</c>.</summary>
    string Describe();

    ValueTask HandleAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A session that hands each polled batch to the handler as it comes: raw <see cref="RecordBatch"/>es
/// or <see cref="TypedBatch{T}"/>s, as the <see cref="ConsumerSource{TBatch}"/> gives them.
/// </summary>
internal sealed class BatchSession<TBatch>(ConsumerSource<TBatch> source, Func<TBatch, CancellationToken, ValueTask> handle) : IConsumerSession
    where TBatch : IDisposable
{
    public bool IsLive => source.IsLive;

    public bool IsComplete => source.IsComplete;

    public int PausedPartitionCount => source.PausedPartitionCount;

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        var batch = source.Poll(timeout);
        var rows = source.Rows(batch);
        if (rows.Length == 0)
        {
            batch.Dispose();
            return [];
        }

        return [new Batch(batch, rows, handle)];
    }

    public IReadOnlyList<IDelivery> Close() => [];

    public RecordBatch PartitionState() => source.PartitionState();

    // Everything released was in the batches handed over, one at a time.
    public void Commit(IDelivery handled) => source.CommitReleased();

    public void Dispose() => source.Dispose();

    private sealed class Batch(TBatch batch, RecordBatch rows, Func<TBatch, CancellationToken, ValueTask> handle) : IDelivery
    {
        public long RowCount => rows.Length;

        public ClosedWindow? Window => null;

        public IReadOnlyList<RecordBatch> Batches => [rows];

        public string Describe() => "batch " + OffsetRanges.Describe([rows]);

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handle(batch, cancellationToken);

        public void Dispose() => batch.Dispose();
    }
}
