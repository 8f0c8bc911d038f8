using Apache.Arrow;

namespace TypedKafka.Windows;

/// <summary>
/// Cuts released, timestamp-ordered record batches into tumbling event-time windows and hands
/// over each window once it is closed:
/// <list type="bullet">
/// <item>when a row of a later window is added (during replay, batches come in timestamp order);</item>
/// <item>when the release watermark reaches the window's end (no later row can belong to it);</item>
/// <item>in live mode, when wall-clock time reaches the window's end plus the grace;</item>
/// <item>on <see cref="Complete"/>, at the end of the input.</item>
/// </list>
/// A row whose time is <c>t</c> belongs to the window <c>[start, end)</c> with
/// <c>start &lt;= t &lt; end</c>: a row at a window's end opens the next one. The time is the row's
/// <c>event_time</c> when the batch has that column (rows ordered by an event time, see
/// <see cref="ConsumerOptions.Timestamp"/>), its <c>timestamp</c> otherwise. Live messages are
/// only merged within a poll, so a row can arrive after its window was handed over; see
/// <see cref="TumblingWindowOptions.LatePolicy"/>. Not thread-safe.
/// </summary>
public sealed class WindowAssembler : IDisposable
{
    private readonly TumblingWindowOptions _options;
    private readonly long _length;
    private readonly long _origin;
    private readonly long _grace;
    private readonly List<RecordBatch> _openBatches = [];
    private readonly List<SharedBatch> _openOwners = [];
    private Schema? _schema;
    private long? _openStart;
    private long? _closedUpTo;
    private long _openLateRows;
    private bool _disposed;

    /// <summary>An assembler of windows as <paramref name="options"/> describe.</summary>
    public WindowAssembler(TumblingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TumblingWindowOptions.IsValidLength(options.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Length, "The window length must be a whole number of milliseconds, at least one.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Grace, TimeSpan.Zero, nameof(options));
        _options = options;
        _length = (long)options.Length.TotalMilliseconds;
        _origin = options.Origin.ToUnixTimeMilliseconds();
        _grace = (long)options.Grace.TotalMilliseconds;
    }

    /// <summary>Rows put in a later window than their own because theirs was already handed over.</summary>
    public long LateMessageCount { get; private set; }

    /// <summary>Start (Unix ms) of the window collecting rows, if any.</summary>
    public long? OpenWindowStartMs => _openStart;

    /// <summary>
    /// The rows of the window still open, as slices of the batches added: a view for reading (for
    /// instance which offsets are not handed over yet), valid until the next call; do not dispose them.
    /// </summary>
    public IReadOnlyList<RecordBatch> OpenWindowRows => _openBatches;

    /// <summary>The window start (Unix ms) of a timestamp.</summary>
    public long WindowStartOf(long timestampMs) => _origin + (FloorDiv(timestampMs - _origin, _length) * _length);

    /// <summary>
    /// Adds a released batch (of <see cref="Schemas.Message"/>, <see cref="Schemas.MessageWithEventTime"/>
    /// or any schema with a <c>timestamp</c> column of Unix ms) and returns the windows closed by it, by
    /// <paramref name="releaseWatermark"/> (e.g. <see cref="ConsumerManager.PrimingWatermark"/>,
    /// read after the poll that returned the batch) and, when <paramref name="isLive"/>, by the
    /// clock. A poll releases at most a batch's worth, so messages at or before the watermark can
    /// still be held after a non-empty batch: then only windows ending at or before the batch's
    /// last row are closed by the watermark. Takes ownership of <paramref name="released"/>: do
    /// not dispose it; dispose the returned windows.
    /// </summary>
    public IReadOnlyList<ClosedWindow> Add(RecordBatch released, long? releaseWatermark, bool isLive)
    {
        ArgumentNullException.ThrowIfNull(released);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var closed = new List<ClosedWindow>();
        try
        {
            var lastRow = AddRows(released, closed);
            Advance(lastRow is { } last && releaseWatermark is { } watermark ? Math.Min(last, watermark) : releaseWatermark, isLive, closed);
            return closed;
        }
        catch
        {
            foreach (var window in closed)
            {
                window.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Returns the windows closed by the watermark or, when live, by the clock, without new rows.
    /// Give a watermark only when no message at or before it is still held (after a poll that
    /// released nothing); passing each poll's batch to <see cref="Add"/>, empty or not, does that for you.
    /// </summary>
    public IReadOnlyList<ClosedWindow> Advance(long? releaseWatermark, bool isLive)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var closed = new List<ClosedWindow>();
        Advance(releaseWatermark, isLive, closed);
        return closed;
    }

    /// <summary>
    /// Takes the rows of <paramref name="partitions"/> out of the open window, for a consumer group
    /// whose rebalance moved them to another member (<see cref="ConsumerOptions.OnPartitionsRevoked"/>):
    /// that member reads them again from the group's committed offset, so this window must not hand
    /// them over too. A window left empty is no longer open. Returns how many rows were taken out.
    /// Needs the batches' <c>topic</c> and <c>partition</c> columns (every consumer's batches have them).
    /// </summary>
    public long RemovePartitions(IReadOnlyCollection<Confluent.Kafka.TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (partitions.Count == 0 || _openStart is not { } start)
        {
            return 0;
        }

        var gone = partitions.Select(p => (p.Topic, p.Partition.Value)).ToHashSet();
        var batches = new List<RecordBatch>(_openBatches.Count);
        var owners = new List<SharedBatch>(_openOwners.Count);
        long removed = 0;
        for (var b = 0; b < _openBatches.Count; b++)
        {
            var batch = _openBatches[b];
            var owner = _openOwners[b];
            var topics = (StringArray)(batch.Column("topic") ?? throw new InvalidOperationException("The window's batches have no topic column."));
            var partitionColumn = (Int32Array)(batch.Column("partition") ?? throw new InvalidOperationException("The window's batches have no partition column."));
            var keptFrom = -1;
            for (var i = 0; i <= batch.Length; i++)
            {
                var keep = i < batch.Length && !gone.Contains((topics.GetString(i), partitionColumn.GetValue(i)!.Value));
                if (keep && keptFrom < 0)
                {
                    keptFrom = i;
                }
                else if (!keep && keptFrom >= 0)
                {
                    // Runs of kept rows stay as zero-copy slices of the same shared batch.
                    owner.AddReference();
                    owners.Add(owner);
                    batches.Add(keptFrom == 0 && i == batch.Length ? batch : batch.Slice(keptFrom, i - keptFrom));
                    keptFrom = -1;
                }

                if (!keep && i < batch.Length)
                {
                    removed++;
                }
            }

            owner.Release();
        }

        _openBatches.Clear();
        _openBatches.AddRange(batches);
        _openOwners.Clear();
        _openOwners.AddRange(owners);
        if (removed > 0)
        {
            // A row in the open window is late when its own window started earlier: count again what stays.
            var late = 0L;
            foreach (var batch in _openBatches)
            {
                foreach (var timestamp in TimestampsOf(batch))
                {
                    late += WindowStartOf(timestamp) < start ? 1 : 0;
                }
            }

            LateMessageCount -= _openLateRows - late;
            _openLateRows = late;
        }

        if (_openBatches.Count == 0)
        {
            _openStart = null;
        }

        return removed;
    }

    /// <summary>End of input: hands over the open window, if any.</summary>
    public IReadOnlyList<ClosedWindow> Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var closed = new List<ClosedWindow>();
        if (_openStart is { } start)
        {
            CloseBefore(start + _length, WindowCloseReason.Completed, closed);
        }

        return closed;
    }

    /// <summary>Releases the rows of the window still open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var owner in _openOwners)
        {
            owner.Release();
        }

        _openOwners.Clear();
        _openBatches.Clear();
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private void Advance(long? releaseWatermark, bool isLive, List<ClosedWindow> closed)
    {
        if (releaseWatermark is { } watermark)
        {
            CloseBefore(watermark, WindowCloseReason.Watermark, closed);
        }

        if (isLive)
        {
            CloseBefore(_options.Clock.GetUtcNow().ToUnixTimeMilliseconds() - _grace, WindowCloseReason.Clock, closed);
        }
    }

    /// <summary>Takes the batch's rows in; returns the timestamp of its last row, if any.</summary>
    private long? AddRows(RecordBatch batch, List<ClosedWindow> closed)
    {
        var owner = new SharedBatch(batch);
        try
        {
            if (batch.Length == 0)
            {
                return null;
            }

            var timestamps = TimestampsOf(batch);
            if (_options.LatePolicy == LateMessagePolicy.Throw)
            {
                ThrowIfLate(timestamps);
            }

            _schema ??= batch.Schema;
            var runStart = 0;
            long runWindow = 0;
            var runLate = 0L;
            for (var i = 0; i < batch.Length; i++)
            {
                var own = WindowStartOf(timestamps[i]);
                var floor = _openStart ?? _closedUpTo;
                var late = floor is { } f && own < f;
                var target = late ? floor!.Value : own;
                if (i > runStart && target != runWindow)
                {
                    Append(owner, batch, runStart, i - runStart, runLate);
                    runStart = i;
                    runLate = 0;
                }

                if (_openStart is { } open && target > open)
                {
                    CloseBefore(target, WindowCloseReason.LaterRow, closed);
                }

                _openStart ??= target;
                runWindow = target;
                if (late)
                {
                    runLate++;
                    LateMessageCount++;
                }
            }

            Append(owner, batch, runStart, batch.Length - runStart, runLate);
            return timestamps[^1];
        }
        finally
        {
            owner.Release();
        }
    }

    /// <summary>Refuses a batch with a late row before any of it is taken in.</summary>
    private void ThrowIfLate(ReadOnlySpan<long> timestamps)
    {
        var floor = _openStart ?? _closedUpTo;
        foreach (var timestamp in timestamps)
        {
            var own = WindowStartOf(timestamp);
            if (floor is { } f && own < f)
            {
                throw new InvalidOperationException(
                    $"A message at {DateTimeOffset.FromUnixTimeMilliseconds(timestamp):O} belongs to a window already handed over; the batch was not taken in.");
            }

            floor = Math.Max(floor ?? own, own);
        }
    }

    private void Append(SharedBatch owner, RecordBatch batch, int offset, int length, long lateRows)
    {
        owner.AddReference();
        _openOwners.Add(owner);
        _openBatches.Add(offset == 0 && length == batch.Length ? batch : batch.Slice(offset, length));
        _openLateRows += lateRows;
    }

    /// <summary>Hands over every window ending at or before <paramref name="endMs"/>.</summary>
    private void CloseBefore(long endMs, WindowCloseReason reason, List<ClosedWindow> closed)
    {
        if (_openStart is { } open && open + _length <= endMs)
        {
            closed.Add(new ClosedWindow(open, open + _length, _schema ?? Schemas.Message, [.. _openBatches], [.. _openOwners], _openLateRows, reason));
            _openBatches.Clear();
            _openOwners.Clear();
            _openLateRows = 0;
            _openStart = null;
            _closedUpTo = open + _length;
        }

        if (_options.EmitEmptyWindows && _openStart is null && _closedUpTo is { } from)
        {
            while (from + _length <= endMs)
            {
                closed.Add(new ClosedWindow(from, from + _length, _schema ?? Schemas.Message, [], [], 0, reason));
                from += _length;
            }

            _closedUpTo = from;
        }
    }

    /// <summary>
    /// The times rows are ordered by: <c>event_time</c> when the batch has it, right after
    /// <c>timestamp</c> and in ms as the consumers write it (a member column of a typed batch may
    /// have that name too, but never there and in ms: member times are in µs), else <c>timestamp</c>.
    /// </summary>
    private static ReadOnlySpan<long> TimestampsOf(RecordBatch batch)
    {
        var timestamp = batch.Schema.GetFieldIndex("timestamp");
        if (timestamp >= 0
            && timestamp + 1 < batch.ColumnCount
            && batch.Schema.FieldsList[timestamp + 1] is { Name: "event_time", DataType: Apache.Arrow.Types.TimestampType { Unit: Apache.Arrow.Types.TimeUnit.Millisecond } }
            && batch.Column(timestamp + 1) is TimestampArray { NullCount: 0 } eventTimes)
        {
            return eventTimes.Values;
        }

        var column = batch.Column("timestamp") ?? throw new ArgumentException("The batch has no timestamp column.", nameof(batch));
        return column switch
        {
            TimestampArray { NullCount: 0 } t => t.Values,
            Int64Array { NullCount: 0 } l => l.Values,
            _ => throw new ArgumentException("The timestamp column must be a timestamp or int64 column of Unix ms without nulls.", nameof(batch)),
        };
    }
}
