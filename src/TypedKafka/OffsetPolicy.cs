namespace TypedKafka;

/// <summary>
/// Where a topic's replay starts. A closed hierarchy: match on the nested records.
/// </summary>
public abstract record OffsetPolicy
{
    // Private so that the nested records below are the only policies there are.
    private OffsetPolicy()
    {
    }

    /// <summary>The oldest offset the broker still has.</summary>
    public sealed record Earliest : OffsetPolicy;

    /// <summary>The end of the log at construction: no replay, only messages produced afterwards.</summary>
    public sealed record Latest : OffsetPolicy;

    /// <summary>The first message whose timestamp is at or after "now minus <paramref name="Lookback"/>".</summary>
    public sealed record RelativeTime(TimeSpan Lookback) : OffsetPolicy;

    /// <summary>The first message whose timestamp is at or after <paramref name="TimestampMs"/> (Unix milliseconds).</summary>
    public sealed record AbsoluteTime(long TimestampMs) : OffsetPolicy;

    /// <summary>
    /// The first message at or after the latest past occurrence of <paramref name="TimeOfDay"/>
    /// on the wall clock of the IANA zone <paramref name="TimeZoneId"/>.
    /// </summary>
    public sealed record StartOfDay(TimeOnly TimeOfDay, string TimeZoneId) : OffsetPolicy
    {
        /// <summary>
        /// The latest instant not after <paramref name="now"/> at which the zone's wall clock showed
        /// <see cref="TimeOfDay"/>. A time skipped by a daylight-saving jump counts as the first
        /// instant after the jump; a time that occurs twice counts at its first occurrence.
        /// </summary>
        public DateTimeOffset LatestOccurrence(DateTimeOffset now)
        {
            var zone = TimeZones.Find(TimeZoneId);
            var localNow = TimeZoneInfo.ConvertTime(now, zone);
            var day = DateOnly.FromDateTime(localNow.DateTime);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var occurrence = ToInstant(day.ToDateTime(TimeOfDay), zone);
                if (occurrence <= now)
                {
                    return occurrence;
                }

                day = day.AddDays(-1);
            }

            throw new InvalidOperationException($"No occurrence of {TimeOfDay:HH:mm:ss} in zone '{TimeZoneId}' within three days before {now:O}.");
        }

        private static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone)
        {
            if (zone.IsInvalidTime(wallClock))
            {
                // Skipped by a forward jump: move past the gap, as java.time and NodaTime's lenient resolver do.
                var before = zone.GetUtcOffset(wallClock.AddHours(-12));
                return new DateTimeOffset(wallClock - before, TimeSpan.Zero).ToOffset(zone.GetUtcOffset(wallClock.AddHours(12)));
            }

            if (zone.IsAmbiguousTime(wallClock))
            {
                var earlier = zone.GetAmbiguousTimeOffsets(wallClock).Max();
                return new DateTimeOffset(wallClock, earlier);
            }

            return new DateTimeOffset(wallClock, zone.GetUtcOffset(wallClock));
        }
    }

    /// <summary>The consumer group's committed offset, or <paramref name="Fallback"/> where the group has none.</summary>
    public sealed record Committed(OffsetPolicy Fallback) : OffsetPolicy;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="topic"/> if this policy cannot be resolved.</summary>
    internal void Validate(string topic)
    {
        switch (this)
        {
            case RelativeTime { Lookback: var lookback } when lookback < TimeSpan.Zero:
                throw new ArgumentException($"Topic '{topic}': the relative-time look-back must not be negative (got {lookback}).");
            case AbsoluteTime { TimestampMs: var ms } when ms < 0:
                throw new ArgumentException($"Topic '{topic}': the absolute start time must be a Unix timestamp in milliseconds, not before 1970-01-01 (got {ms}).");
            case StartOfDay { TimeZoneId: var zoneId }:
                _ = TimeZones.Find(zoneId, topic);
                break;
            case Committed { Fallback: null }:
                throw new ArgumentException($"Topic '{topic}': a committed-offset policy needs a fallback policy.");
            case Committed { Fallback: Committed }:
                throw new ArgumentException($"Topic '{topic}': the fallback of a committed-offset policy cannot itself be committed.");
            case Committed { Fallback: var fallback }:
                fallback.Validate(topic);
                break;
        }
    }
}
