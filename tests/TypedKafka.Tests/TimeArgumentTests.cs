namespace TypedKafka.Tests;

/// <summary>The one syntax of times given as text (CLI, topic specs, hosting settings).</summary>
public sealed class TimeArgumentTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 1, 5, 30, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedClock(Now);

    [Theory]
    [InlineData("1767225600000", 1_767_225_600_000)]
    [InlineData("0", 0)]
    [InlineData("2026-01-01T00:00:00Z", 1_767_225_600_000)]
    [InlineData("2026-01-01T01:00:00+01:00", 1_767_225_600_000)]
    [InlineData("2026-01-01T00:00:00.250Z", 1_767_225_600_250)]
    [InlineData("2026-01-01T00:00:00", 1_767_225_600_000)]
    public void Instants_are_unix_milliseconds_or_iso_8601_in_utc_unless_they_say_otherwise(string text, long expectedMs)
    {
        Assert.Equal(expectedMs, TimeArgument.ParseInstant(text, Clock).ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("now", 0)]
    [InlineData("NOW", 0)]
    [InlineData("90s", -90_000)]
    [InlineData("15m", -900_000)]
    [InlineData("1h", -3_600_000)]
    [InlineData("-1h", -3_600_000)]
    [InlineData("2d", -172_800_000)]
    [InlineData("500ms", -500)]
    [InlineData("+1h", 3_600_000)]
    public void Durations_are_relative_to_now_and_unsigned_ones_point_into_the_past(string text, long offsetFromNowMs)
    {
        Assert.Equal(Now.AddMilliseconds(offsetFromNowMs), TimeArgument.ParseInstant(text, Clock));
    }

    [Theory]
    [InlineData("1764637530")]
    [InlineData("1000000000")]
    [InlineData("99999999999")]
    public void A_number_that_reads_as_unix_seconds_is_refused_with_the_reason(string text)
    {
        var error = Assert.Throws<FormatException>(() => TimeArgument.ParseInstant(text, Clock));
        Assert.Contains("looks like Unix seconds", error.Message, StringComparison.Ordinal);
        Assert.Contains($"write {text}000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_seconds_rule_is_the_analyzers_own()
    {
        // TK0005 and TK0011 flag the same range at compile time (the generator compiles this file too).
        Assert.True(UnixTimeUnits.LooksLikeSeconds(UnixTimeUnits.SecondsRangeStart));
        Assert.False(UnixTimeUnits.LooksLikeSeconds(UnixTimeUnits.SecondsRangeStart - 1));
        Assert.False(UnixTimeUnits.LooksLikeSeconds(UnixTimeUnits.SecondsRangeEnd));
        Assert.Equal(100_000_000_000, TimeArgument.ParseInstant("100000000000", Clock).ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("yesterday", "is not a time")]
    [InlineData("1x", "is not a time")]
    [InlineData("12/01/2026", "is not a time")]
    [InlineData("-5", "before 1970-01-01")]
    [InlineData("1969-12-31T23:59:59Z", "before 1970-01-01")]
    [InlineData("30000d", "before 1970-01-01")]
    [InlineData("", "is not a time")]
    public void Anything_else_is_refused_saying_what_was_expected(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TimeArgument.ParseInstant(text, Clock));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3600000", 3_600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("90s", 90_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("-5", -5)]
    public void Look_backs_are_milliseconds_or_durations(string text, long expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), TimeArgument.ParseLookback(text));
    }

    [Theory]
    [InlineData("now")]
    [InlineData("2026-01-01T00:00:00Z")]
    [InlineData("1 hour")]
    public void A_look_back_is_a_length_not_an_instant(string text)
    {
        var error = Assert.Throws<FormatException>(() => TimeArgument.ParseLookback(text));
        Assert.Contains("is not a look-back", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Topic_specs_take_the_same_forms()
    {
        Assert.Equal(SourceTopic.FromRelativeTime("e", TimeSpan.FromHours(1)), SourceTopic.Parse("e:relative_time:1h"));
        Assert.Equal(SourceTopic.FromRelativeTime("e", 3_600_000), SourceTopic.Parse("e:relative_time:3600000"));
        Assert.Equal(SourceTopic.FromAbsoluteTime("e", 1_767_225_600_000), SourceTopic.Parse("e:absolute_time:2026-01-01T00:00:00Z"));
        Assert.Equal(SourceTopic.FromAbsoluteTime("e", Now.AddDays(-2)), SourceTopic.Parse("e:absolute_time:2d", Clock));
        Assert.Equal(SourceTopic.FromAbsoluteTime("e", Now), SourceTopic.Parse("e:absolute_time:now", Clock));

        var error = Assert.Throws<FormatException>(() => SourceTopic.Parse("e:absolute_time:1764637530"));
        Assert.Contains("Topic spec 'e:absolute_time:1764637530'", error.Message, StringComparison.Ordinal);
        Assert.Contains("looks like Unix seconds", error.Message, StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
