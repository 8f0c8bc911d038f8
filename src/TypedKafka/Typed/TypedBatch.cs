using Apache.Arrow;
using TypedKafka.Columns;

namespace TypedKafka;

/// <summary>
/// One poll's messages, decoded. <see cref="RecordBatch"/> has the metadata columns <c>key</c>,
/// <c>topic</c>, <c>partition</c>, <c>offset</c>, <c>timestamp</c> (the broker's), <c>event_time</c>
/// when rows are ordered by an event time (<see cref="EventTimeAttribute"/>,
/// <see cref="ConsumerOptions.Timestamp"/>), then one column per member of
/// <typeparamref name="T"/>, then, under <see cref="BadPayloadPolicy.Skip"/>, <c>_error</c> (utf8,
/// null for good rows) and <c>_raw_value</c> (binary, the value bytes of bad rows). Rows stay in
/// timestamp (or event-time) order. Dispose it when done: its columns live in native memory.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
public class TypedBatch<T, TKey> : IDisposable
    where T : IArrowMessage<T>
{
    private readonly KeyCodec<TKey> _keys;
    private readonly int _firstMember;
    private readonly HashSet<int>? _badRows;
    private readonly bool _ownsBatch;
    private bool _disposed;

    internal TypedBatch(RecordBatch batch, IReadOnlyList<PayloadError> errors, KeyCodec<TKey> keys, int firstMember, bool ownsBatch = true)
    {
        _ownsBatch = ownsBatch;
        RecordBatch = batch;
        Errors = errors;
        _keys = keys;
        _firstMember = firstMember;
        _badRows = errors.Count == 0 ? null : errors.Select(e => e.Row).ToHashSet();
    }

    /// <summary>Metadata columns, member columns and, under <see cref="BadPayloadPolicy.Skip"/>, the error columns.</summary>
    public RecordBatch RecordBatch { get; }

    /// <summary>Rows in <see cref="RecordBatch"/>, bad ones included.</summary>
    public int Length => RecordBatch.Length;

    /// <summary>The messages of this batch that could not be decoded, in row order.</summary>
    public IReadOnlyList<PayloadError> Errors { get; }

    /// <summary>The decoded messages, materialized one at a time as the enumeration reaches them; bad rows are left out.</summary>
    public IEnumerable<T> Rows
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Enumerate();

            IEnumerable<T> Enumerate()
            {
                var reader = CreateReader();
                for (var row = 0; row < RecordBatch.Length; row++)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    if (_badRows is null || !_badRows.Contains(row))
                    {
                        yield return reader.Read(row);
                    }
                }
            }
        }
    }

    /// <summary>The decoded messages with their keys, topics, partitions, offsets and timestamps; bad rows are left out.</summary>
    public IEnumerable<TypedRecord<TKey, T>> Records
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Enumerate();

            IEnumerable<TypedRecord<TKey, T>> Enumerate()
            {
                var reader = CreateReader();
                var keys = RecordBatch.Column(0);
                var topics = (StringArray)RecordBatch.Column(1);
                var partitions = (Int32Array)RecordBatch.Column(2);
                var offsets = (Int64Array)RecordBatch.Column(3);
                var timestamps = (TimestampArray)RecordBatch.Column(4);
                for (var row = 0; row < RecordBatch.Length; row++)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    if (_badRows is null || !_badRows.Contains(row))
                    {
                        yield return new TypedRecord<TKey, T>(
                            _keys.Read(keys, row),
                            reader.Read(row),
                            topics.GetString(row),
                            partitions.Values[row],
                            offsets.Values[row],
                            System.DateTimeOffset.FromUnixTimeMilliseconds(timestamps.Values[row]));
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the native memory of the batch.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            if (_ownsBatch)
            {
                RecordBatch.Dispose();
            }
        }
    }

    private MessageReader<T> CreateReader()
    {
        var members = new IArrowArray[T.ArrowSchema.FieldsList.Count];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = RecordBatch.Column(_firstMember + i);
        }

        return T.CreateReader(members);
    }
}

/// <summary>A <see cref="TypedBatch{T, TKey}"/> whose keys are UTF-8 strings.</summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class TypedBatch<T> : TypedBatch<T, string>
    where T : IArrowMessage<T>
{
    private static readonly KeyCodec<string> Utf8KeyCodec = KeyCodec<string>.Create();

    internal TypedBatch(RecordBatch batch, IReadOnlyList<PayloadError> errors, KeyCodec<string> keys, int firstMember, bool ownsBatch = true)
        : base(batch, errors, keys, firstMember, ownsBatch)
    {
    }

    /// <inheritdoc cref="TypedBatch.Borrow{T}(RecordBatch)"/>
    internal static TypedBatch<T> ViewOf(RecordBatch decoded)
    {
        List<PayloadError>? errors = null;
        var reasonIndex = decoded.Schema.GetFieldIndex("_error");
        if (reasonIndex >= 0 && decoded.Column(reasonIndex) is StringArray reasons && reasons.NullCount < reasons.Length)
        {
            var raw = (BinaryArray)decoded.Column("_raw_value");
            var topics = (StringArray)decoded.Column(1);
            var partitions = (Int32Array)decoded.Column(2);
            var offsets = (Int64Array)decoded.Column(3);
            for (var row = 0; row < decoded.Length; row++)
            {
                if (reasons.IsValid(row))
                {
                    (errors ??= []).Add(new PayloadError(
                        row,
                        topics.GetString(row),
                        partitions.GetValue(row)!.Value,
                        offsets.GetValue(row)!.Value,
                        raw.IsNull(row) ? null : raw.GetBytes(row).ToArray(),
                        reasons.GetString(row)));
                }
            }
        }

        // The members come after the metadata columns, five or six (event_time), and before the error columns and headers, if any.
        var headers = decoded.Schema.FieldsList[^1].Name == Schemas.HeadersField.Name && decoded.Schema.FieldsList[^1].DataType is Apache.Arrow.Types.ListType ? 1 : 0;
        var firstMember = decoded.ColumnCount - T.ArrowSchema.FieldsList.Count - (reasonIndex >= 0 ? 2 : 0) - headers;
        return new TypedBatch<T>(decoded, (IReadOnlyList<PayloadError>?)errors ?? [], Utf8KeyCodec, firstMember, ownsBatch: false);
    }
}

/// <summary>Typed batches over rows that another owner holds.</summary>
public static class TypedBatch
{
    /// <summary>
    /// A typed view that borrows rows a <see cref="TypedConsumer{T}"/> decoded (its
    /// <see cref="TypedBatch{T, TKey}.RecordBatch"/>, or a slice of one, such as a window's part of a
    /// polled batch): disposing the view leaves the rows to their owner, and the view is valid as long
    /// as they are. The bad rows are found again from the <c>_error</c> and <c>_raw_value</c> columns.
    /// </summary>
    /// <typeparam name="T">The message type the rows were decoded as.</typeparam>
    /// <param name="decoded">Rows of that consumer's schema.</param>
    public static TypedBatch<T> Borrow<T>(RecordBatch decoded)
        where T : IArrowMessage<T>
    {
        ArgumentNullException.ThrowIfNull(decoded);
        return TypedBatch<T>.ViewOf(decoded);
    }
}
