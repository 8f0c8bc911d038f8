namespace TypedKafka.Tests;

public sealed class StartOfDayTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Later_the_same_day_it_is_today()
    {
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), "America/New_York");
        // 15:00 UTC is 10:00 in New York (EST, UTC-5) on 24 November.
        Assert.Equal(Utc(2026, 11, 24, 13, 0), policy.LatestOccurrence(Utc(2026, 11, 24, 15, 0)));
    }

    [Fact]
    public void Earlier_in_the_day_it_is_yesterday()
    {
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), "America/New_York");
        Assert.Equal(Utc(2026, 11, 23, 13, 0), policy.LatestOccurrence(Utc(2026, 11, 24, 12, 59)));
    }

    [Fact]
    public void Exactly_at_the_time_it_is_now()
    {
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), "America/New_York");
        Assert.Equal(Utc(2026, 11, 24, 13, 0), policy.LatestOccurrence(Utc(2026, 11, 24, 13, 0)));
    }

    [Fact]
    public void The_zone_day_not_the_utc_day_decides()
    {
        // 01:00 UTC on the 25th is 10:00 on the 25th in Tokyo (UTC+9): that day's 09:00 has passed.
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(9, 0), "Asia/Tokyo");
        Assert.Equal(Utc(2026, 11, 25, 0, 0), policy.LatestOccurrence(Utc(2026, 11, 25, 1, 0)));
    }

    [Fact]
    public void Summer_time_changes_the_utc_instant()
    {
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), "Europe/London");
        Assert.Equal(Utc(2026, 7, 1, 7, 0), policy.LatestOccurrence(Utc(2026, 7, 1, 12, 0)));
        Assert.Equal(Utc(2026, 12, 1, 8, 0), policy.LatestOccurrence(Utc(2026, 12, 1, 12, 0)));
    }

    [Fact]
    public void A_wall_clock_time_skipped_by_the_spring_jump_counts_as_just_after_the_jump()
    {
        // On 8 March 2026 New York clocks jump from 02:00 EST to 03:00 EDT: 02:30 never happens.
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(2, 30), "America/New_York");
        // 02:30 EST would be 07:30 UTC, which is 03:30 EDT.
        Assert.Equal(Utc(2026, 3, 8, 7, 30), policy.LatestOccurrence(Utc(2026, 3, 8, 12, 0)));
    }

    [Fact]
    public void A_wall_clock_time_repeated_by_the_autumn_jump_counts_at_its_first_occurrence()
    {
        // On 1 November 2026 New York clocks go back from 02:00 EDT to 01:00 EST: 01:30 happens twice.
        var policy = new OffsetPolicy.StartOfDay(new TimeOnly(1, 30), "America/New_York");
        Assert.Equal(Utc(2026, 11, 1, 5, 30), policy.LatestOccurrence(Utc(2026, 11, 1, 12, 0)));
    }
}
