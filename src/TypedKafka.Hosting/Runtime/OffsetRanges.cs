using System.Globalization;
using System.Text;
using Apache.Arrow;

namespace TypedKafka.Hosting.Runtime;

internal static class OffsetRanges
{
    /// <summary>The first and last offset of the batches' rows per partition, in partition order.</summary>
    public static SortedDictionary<(string Topic, int Partition), (long First, long Last)> Of(IEnumerable<RecordBatch> batches)
    {
        var ranges = new SortedDictionary<(string Topic, int Partition), (long First, long Last)>();
        foreach (var batch in batches)
        {
            var topics = (StringArray)batch.Column("topic");
            var partitions = (Int32Array)batch.Column("partition");
            var offsets = (Int64Array)batch.Column("offset");
            for (var i = 0; i < batch.Length; i++)
            {
                var key = (topics.GetString(i), partitions.GetValue(i)!.Value);
                var offset = offsets.GetValue(i)!.Value;
                ranges[key] = ranges.TryGetValue(key, out var range)
                    ? (Math.Min(range.First, offset), Math.Max(range.Last, offset))
                    : (offset, offset);
            }
        }

        return ranges;
    }

    /// <summary>The batches' offsets per partition, as <c>topic[partition]:first-last</c>, in partition order.</summary>
    public static string Describe(IEnumerable<RecordBatch> batches)
    {
        var ranges = Of(batches);
        if (ranges.Count == 0)
        {
            return "(empty)";
        }

        var text = new StringBuilder();
        foreach (var ((topic, partition), (first, last)) in ranges)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(CultureInfo.InvariantCulture, $"{topic}[{partition}]:{first}-{last}");
        }

        return text.ToString();
    }
}
