// Compiled only with -p:ShowMistakes=true: one deliberate mistake per TypedKafka analyzer rule,
// each marked with the diagnostic it shows. See docs/diagnostics.md for the right way to write each.
using TypedKafka;

namespace AnalyzerMistakes;

internal static class Mistakes
{
    public static void EveryRule(IReadOnlyDictionary<string, string> config)
    {
        _ = SourceTopic.FromEarliest("page views");                                         // TK0001 a space in a topic name
        _ = SourceTopic.FromRelativeTime("metrics", TimeSpan.FromHours(-1));                // TK0002 negative look-back
        _ = SourceTopic.FromRelativeTime("metrics", TimeSpan.Zero);                         // TK0003 zero look-back
        _ = SourceTopic.FromRelativeTime("metrics", TimeSpan.FromDays(3650));               // TK0004 ten years back
        _ = SourceTopic.FromAbsoluteTime("trades", 1_767_225_600);                          // TK0005 seconds, not milliseconds
        _ = SourceTopic.FromAbsoluteTime("trades", new DateTimeOffset(1969, 7, 20, 20, 17, 0, TimeSpan.Zero)); // TK0006 before 1970
        _ = SourceTopic.FromStartOfDay("orders", new TimeOnly(8, 0), "Europe/Londn");       // TK0007 unknown zone
        _ = SourceTopic.FromStartOfDay("orders", new TimeOnly(24, 0), "Europe/London");     // TK0008 hour 24
        _ = SourceTopic.FromCommitted("events", new OffsetPolicy.Committed(new OffsetPolicy.Earliest())); // TK0012 committed fallback

        using var repeated = new ConsumerManager(config, [SourceTopic.FromEarliest("events"), SourceTopic.FromLatest("events")]); // TK0009
        using var noBatch = new ConsumerManager(config, [SourceTopic.FromEarliest("events")], batchSize: 0);                       // TK0010
        using var secondsCutoff = new ConsumerManager(config, [SourceTopic.FromEarliest("events")], cutoffMs: 1_767_225_600);     // TK0011
        using var nothing = new ConsumerManager(config, []);                                                                        // TK0013

        // The typed consumer takes the same arguments and gets the same checks.
        using var trades = new TypedConsumer<Trade>(config, [SourceTopic.FromEarliest("trades")], maxHeldMessages: 0);             // TK0010
    }
}
