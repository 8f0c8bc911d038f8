using Apache.Arrow;

namespace TypedKafka.Cli.Output;

/// <summary>
/// Warnings for topics started from a time that have nothing to replay. Where a partition holds
/// messages, a cluster that cannot look offsets up by time already fails the start (the core throws);
/// an empty topic cannot tell, so its user hears why nothing comes rather than seeing nothing.
/// </summary>
internal static class TimePolicyWarnings
{
    public static IEnumerable<string> For(ConsumerManager manager, IEnumerable<SourceTopic> topics)
    {
        var timed = topics.Where(t => t.Policy is OffsetPolicy.RelativeTime or OffsetPolicy.AbsoluteTime or OffsetPolicy.StartOfDay).ToList();
        if (timed.Count == 0)
        {
            return [];
        }

        using var state = manager.PartitionState();
        var names = (StringArray)state.Column("topic");
        var starts = (Int64Array)state.Column("replay_start_offset");
        var ends = (Int64Array)state.Column("replay_end_offset");
        var replaying = Enumerable.Range(0, state.Length)
            .Where(row => starts.GetValue(row) < ends.GetValue(row))
            .Select(row => names.GetString(row))
            .ToHashSet(StringComparer.Ordinal);
        return timed
            .Where(t => !replaying.Contains(t.Name))
            .Select(t => $"warning: topic '{t.Name}' has nothing to replay from its start time: it is empty, or every message is older. "
                + "Reading starts at its end (new messages only). An empty topic cannot show whether the cluster can look offsets up by time; the embedded one cannot.");
    }
}
