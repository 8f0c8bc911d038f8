using System.Diagnostics;
using System.Text;
using Apache.Arrow;

namespace TypedKafka.Telemetry;

/// <summary>
/// Reads the producers' trace contexts from a batch's <c>headers</c> column (present with
/// <c>ConsumerOptions.IncludeHeaders</c>, Arrow <c>list&lt;struct&lt;key: utf8, value: binary&gt;&gt;</c>):
/// the W3C <c>traceparent</c> header of each message, with its <c>tracestate</c>, becomes a link of the
/// activity that processes the batch, as OpenTelemetry's messaging conventions ask for batches.
/// </summary>
public static class ProducerLinks
{
    /// <summary>At most this many links an activity (OpenTelemetry's default span link limit): a batch can hold thousands of messages.</summary>
    public const int MaxLinks = 128;

    /// <summary>The column the links are read from.</summary>
    public const string HeadersColumn = "headers";

    private static ReadOnlySpan<byte> TraceParent => "traceparent"u8;

    private static ReadOnlySpan<byte> TraceState => "tracestate"u8;

    /// <summary>
    /// The distinct producer contexts of the messages, in row order, at most <see cref="MaxLinks"/>;
    /// null when no batch has a <c>headers</c> column of that shape or no message carries a valid <c>traceparent</c>.
    /// </summary>
    public static List<ActivityLink>? Read(IEnumerable<RecordBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        List<ActivityLink>? links = null;
        HashSet<(ActivityTraceId, ActivitySpanId)>? seen = null;
        foreach (var batch in batches)
        {
            if (!TryGetHeaders(batch, out var headers, out var keys, out var values, out var entryOffset))
            {
                continue;
            }

            for (var row = 0; row < batch.Length; row++)
            {
                if (headers.IsNull(row))
                {
                    continue;
                }

                string? parent = null, state = null;
                var first = headers.ValueOffsets[row] + entryOffset;
                var end = headers.ValueOffsets[row + 1] + entryOffset;
                for (var entry = first; entry < end; entry++)
                {
                    if (keys.IsNull(entry) || values.IsNull(entry))
                    {
                        continue;
                    }

                    var key = keys.GetBytes(entry);
                    if (key.SequenceEqual(TraceParent))
                    {
                        parent = Encoding.UTF8.GetString(values.GetBytes(entry));
                    }
                    else if (key.SequenceEqual(TraceState))
                    {
                        state = Encoding.UTF8.GetString(values.GetBytes(entry));
                    }
                }

                if (parent is null || !ActivityContext.TryParse(parent, state, isRemote: true, out var context))
                {
                    continue;
                }

                seen ??= [];
                if (seen.Add((context.TraceId, context.SpanId)))
                {
                    (links ??= []).Add(new ActivityLink(context));
                    if (links.Count == MaxLinks)
                    {
                        return links;
                    }
                }
            }
        }

        return links;
    }

    private static bool TryGetHeaders(RecordBatch batch, out ListArray headers, out StringArray keys, out BinaryArray values, out int entryOffset)
    {
        headers = null!;
        keys = null!;
        values = null!;
        entryOffset = 0;
        var index = batch.Schema.GetFieldIndex(HeadersColumn);
        if (index < 0 || batch.Column(index) is not ListArray list || list.Values is not StructArray entries)
        {
            return false;
        }

        var type = (Apache.Arrow.Types.StructType)entries.Data.DataType;
        var keyIndex = type.GetFieldIndex("key");
        var valueIndex = type.GetFieldIndex("value");
        if (keyIndex < 0 || valueIndex < 0 || entries.Fields[keyIndex] is not StringArray keyArray || entries.Fields[valueIndex] is not BinaryArray valueArray)
        {
            return false;
        }

        headers = list;
        keys = keyArray;
        values = valueArray;
        entryOffset = entries.Offset;
        return true;
    }
}
