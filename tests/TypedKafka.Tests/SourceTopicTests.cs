namespace TypedKafka.Tests;

public sealed class SourceTopicTests
{
    [Theory]
    [InlineData("events")]
    [InlineData("a")]
    [InlineData("Orders.v2_eu-west")]
    [InlineData("...")]
    public void Legal_topic_names_are_accepted(string name)
    {
        Assert.Equal(name, SourceTopic.FromEarliest(name).Name);
    }

    [Fact]
    public void A_name_of_exactly_249_characters_is_accepted()
    {
        Assert.Equal(249, SourceTopic.FromEarliest(new string('x', 249)).Name.Length);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData(".", "not a legal topic name")]
    [InlineData("..", "not a legal topic name")]
    [InlineData("has space", "contains ' ' at position 3")]
    [InlineData("slash/topic", "contains '/' at position 5")]
    [InlineData("ünïcode", "contains 'ü' at position 0")]
    public void Illegal_topic_names_are_rejected_with_the_reason(string name, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => SourceTopic.FromLatest(name));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_longer_than_249_characters_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => SourceTopic.FromEarliest(new string('x', 250)));
        Assert.Contains("250 characters long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_look_back_is_rejected_naming_the_topic()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => SourceTopic.FromRelativeTime("metrics", TimeSpan.FromMinutes(-5)));
        Assert.Contains("'metrics'", error.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => SourceTopic.FromRelativeTime("metrics", -1L));
    }

    [Fact]
    public void A_look_back_in_milliseconds_equals_the_same_time_span()
    {
        Assert.Equal(SourceTopic.FromRelativeTime("m", TimeSpan.FromHours(2)), SourceTopic.FromRelativeTime("m", 7_200_000));
    }

    [Fact]
    public void A_timestamp_before_1970_is_rejected_naming_the_topic()
    {
        var error = Assert.Throws<ArgumentException>(() => SourceTopic.FromAbsoluteTime("trades", -1));
        Assert.Contains("'trades'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_start_instant_becomes_unix_milliseconds()
    {
        var topic = SourceTopic.FromAbsoluteTime("trades", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(1)));
        Assert.Equal(new OffsetPolicy.AbsoluteTime(1_795_509_000_000), topic.Policy);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public void An_unknown_time_zone_is_rejected_naming_zone_and_topic(string zone)
    {
        var error = Assert.Throws<ArgumentException>(() => SourceTopic.FromStartOfDay("quotes", new TimeOnly(8, 0), zone));
        Assert.Contains("'quotes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("europe/londonn", "Europe/London")]
    [InlineData("Amercia/New_York", "America/New_York")]
    [InlineData("Tokyo", "Asia/Tokyo")]
    public void An_unknown_time_zone_near_a_known_one_suggests_it_as_analyzer_TK0007_does(string zone, string suggestion)
    {
        var error = Assert.Throws<ArgumentException>(() => SourceTopic.FromStartOfDay("quotes", new TimeOnly(8, 0), zone));
        Assert.Contains($"unknown time zone '{zone}'; did you mean '{suggestion}'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_committed_policy_needs_a_resolvable_fallback()
    {
        Assert.Throws<ArgumentException>(() => SourceTopic.FromCommitted("orders", null!));
        Assert.Throws<ArgumentException>(() => SourceTopic.FromCommitted("orders", new OffsetPolicy.Committed(new OffsetPolicy.Earliest())));
        Assert.Throws<ArgumentException>(() => SourceTopic.FromCommitted("orders", new OffsetPolicy.AbsoluteTime(-5)));
        Assert.Equal(new OffsetPolicy.Committed(new OffsetPolicy.Latest()), SourceTopic.FromCommitted("orders", new OffsetPolicy.Latest()).Policy);
    }

    [Fact]
    public void Validate_catches_what_a_with_expression_broke()
    {
        var topic = SourceTopic.FromEarliest("events") with { Name = "bad name" };
        var error = Assert.Throws<ArgumentException>(topic.Validate);
        Assert.Contains("bad name", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>((SourceTopic.FromEarliest("events") with { Policy = new OffsetPolicy.RelativeTime(TimeSpan.FromTicks(-1)) }).Validate);
    }

    [Fact]
    public void Topics_with_the_same_name_and_policy_are_equal()
    {
        Assert.Equal(SourceTopic.FromStartOfDay("q", new TimeOnly(8, 0), "Europe/London"), SourceTopic.FromStartOfDay("q", new TimeOnly(8, 0), "Europe/London"));
        Assert.NotEqual(SourceTopic.FromEarliest("q"), SourceTopic.FromLatest("q"));
    }
}

public sealed class SourceTopicParseTests
{
    [Theory]
    [InlineData("events:earliest", "events")]
    [InlineData("a.b-c_d:latest", "a.b-c_d")]
    public void Names_come_before_the_first_colon(string spec, string name)
    {
        Assert.Equal(name, SourceTopic.Parse(spec).Name);
    }

    [Fact]
    public void Every_policy_parses_to_its_factory()
    {
        Assert.Equal(SourceTopic.FromEarliest("e"), SourceTopic.Parse("e:earliest"));
        Assert.Equal(SourceTopic.FromLatest("e"), SourceTopic.Parse("e:latest"));
        Assert.Equal(SourceTopic.FromRelativeTime("e", 3_600_000), SourceTopic.Parse("e:relative_time:3600000"));
        Assert.Equal(SourceTopic.FromAbsoluteTime("e", 1_767_225_600_000), SourceTopic.Parse("e:absolute_time:1767225600000"));
        Assert.Equal(SourceTopic.FromStartOfDay("e", new TimeOnly(8, 30), "America/New_York"), SourceTopic.Parse("e:start_of_day:08:30:America/New_York"));
        Assert.Equal(SourceTopic.FromCommitted("e", new OffsetPolicy.Earliest()), SourceTopic.Parse("e:committed"));
        Assert.Equal(SourceTopic.FromCommitted("e", new OffsetPolicy.Latest()), SourceTopic.Parse("e:committed:latest"));
    }

    [Theory]
    [InlineData("events", "expected NAME:POLICY[:ARG]")]
    [InlineData(":earliest", "expected NAME:POLICY[:ARG]")]
    [InlineData("events:oldest", "unknown policy 'oldest'")]
    [InlineData("events:earliest:5", "takes no argument")]
    [InlineData("events:relative_time", "events:relative_time:LOOKBACK")]
    [InlineData("events:relative_time:1 hour", "'1 hour' is not a look-back")]
    [InlineData("events:absolute_time:soon", "'soon' is not a time")]
    [InlineData("events:start_of_day:8am:Europe/London", "expected events:start_of_day:HH:MM:ZONE")]
    [InlineData("events:start_of_day:25:00:Europe/London", "'25:00' is not a time of day")]
    [InlineData("events:committed:sometimes", "events:committed:earliest|latest")]
    public void Malformed_specs_say_what_was_expected(string spec, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SourceTopic.Parse(spec));
        Assert.Contains(spec, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_well_formed_spec_with_an_invalid_value_fails_validation()
    {
        Assert.Throws<ArgumentException>(() => SourceTopic.Parse("events:start_of_day:08:00:Mars/Base"));
        Assert.Throws<ArgumentException>(() => SourceTopic.Parse("bad name:earliest"));
        Assert.ThrowsAny<ArgumentException>(() => SourceTopic.Parse("events:relative_time:-5"));
    }
}
