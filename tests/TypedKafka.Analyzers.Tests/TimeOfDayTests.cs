using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0008: a start-of-day time that TimeOnly rejects when it is constructed.</summary>
public class TimeOfDayTests
{
    [Theory]
    [InlineData("new TimeOnly(25, 0)")]
    [InlineData("new TimeOnly(24, 0)")]
    [InlineData("new TimeOnly(-1, 0)")]
    [InlineData("new TimeOnly(8, 60)")]
    [InlineData("new TimeOnly(8, 0, 60)")]
    [InlineData("new TimeOnly(8, 0, 0, 1000)")]
    [InlineData("new TimeOnly(864_000_000_000)")]
    [InlineData("new TimeOnly(minute: 0, hour: 30)")]
    [InlineData("TimeOnly.FromTimeSpan(TimeSpan.FromHours(24))")]
    [InlineData("TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(-1))")]
    public Task Times_outside_the_day_are_errors(string time) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", {{|TK0008:{time}|}}, \"Europe/London\");"));

    [Fact]
    public Task The_message_names_the_component_and_its_range() =>
        Verify.VerifyAsync(
            Code.InMethod("SourceTopic.FromStartOfDay(\"events\", {|#0:new TimeOnly(25, 0)|}, \"Europe/London\");"),
            Verify.Diagnostic(Descriptors.TimeOfDayOutOfRange).WithLocation(0).WithArguments("new TimeOnly(25, 0)", "hour 25 is outside 0-23"));

    [Fact]
    public Task The_offset_policy_record_is_checked_too() =>
        Verify.VerifyAsync(Code.InMethod("""
            _ = new OffsetPolicy.StartOfDay({|TK0008:new TimeOnly(8, 75)|}, "Europe/London");
            """));

    [Theory]
    [InlineData("new TimeOnly(0, 0)")]
    [InlineData("new TimeOnly(23, 59, 59, 999)")]
    [InlineData("new TimeOnly(863_999_999_999)")]
    [InlineData("TimeOnly.MinValue")]
    [InlineData("TimeOnly.MaxValue")]
    [InlineData("TimeOnly.FromTimeSpan(TimeSpan.FromHours(8))")]
    [InlineData("new TimeOnly(sizeFromConfig, 0)")]
    [InlineData("TimeOnly.FromTimeSpan(spanFromConfig)")]
    [InlineData("TimeOnly.FromDateTime(DateTime.Now)")]
    public Task Times_within_the_day_or_not_known_pass(string time) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", {time}, \"Europe/London\");"));

    [Fact]
    public Task A_time_of_day_elsewhere_is_not_this_rule() =>
        Verify.VerifyAsync(Code.InMethod("""
            var later = new TimeOnly(8, 0);
            SourceTopic.FromStartOfDay("events", later, "Europe/London");
            """));
}
