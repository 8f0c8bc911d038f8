namespace TypedKafka;

internal static class TimeZones
{
    public static TimeZoneInfo Find(string zoneId, string? topic = null)
    {
        var culprit = topic is null ? string.Empty : $"Topic '{topic}': ";
        if (string.IsNullOrWhiteSpace(zoneId))
        {
            throw new ArgumentException($"{culprit}the time zone id is empty; give an IANA id such as 'Europe/London'.", nameof(zoneId));
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // The nearest known id, as analyzer TK0007 suggests it at compile time.
            var hint = Generators.Analyzers.TimeZoneIds.Suggest(zoneId) is { } suggestion ? $"did you mean '{suggestion}'?" : "give an IANA id such as 'Europe/London'.";
            throw new ArgumentException($"{culprit}unknown time zone '{zoneId}'; {hint}", nameof(zoneId), e);
        }
    }
}
