using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0005 (seconds for milliseconds) and TK0006 (before 1970): absolute start times.</summary>
public class AbsoluteTimeTests
{
    [Theory]
    [InlineData("1_700_000_000")]
    [InlineData("1_700_000_000L")]
    [InlineData("1_000_000_000")]
    [InlineData("99_999_999_999")]
    public Task Timestamps_in_seconds_are_warnings(string timestamp) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromAbsoluteTime(\"events\", {{|TK0005:{timestamp}|}});"));

    [Fact]
    public Task Seconds_are_found_in_consts_records_and_FromUnixTimeMilliseconds() =>
        Verify.VerifyAsync(Code.InMethod("""
            const long StartSeconds = 1_767_225_600;
            SourceTopic.FromAbsoluteTime("events", {|TK0005:StartSeconds|});
            SourceTopic.FromCommitted("events", new OffsetPolicy.AbsoluteTime({|TK0005:StartSeconds|}));
            SourceTopic.FromAbsoluteTime("events", DateTimeOffset.FromUnixTimeMilliseconds({|TK0005:1_767_225_600|}));
            """));

    [Fact]
    public Task The_message_shows_both_readings() =>
        Verify.VerifyAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", {|#0:1_700_000_000|});"),
            Verify.Diagnostic(Descriptors.TimestampInSeconds).WithLocation(0)
                .WithArguments("1_700_000_000", "1970-01-20T16:13:20Z", "2023-11-14T22:13:20Z"));

    [Theory]
    [InlineData("-1")]
    [InlineData("-1_700_000_000_000")]
    [InlineData("new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)")]
    [InlineData("new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(1))")]
    [InlineData("new DateTimeOffset(1969, 12, 31, 23, 59, 59, 999, TimeSpan.Zero)")]
    [InlineData("new DateTimeOffset(1, TimeSpan.Zero)")]
    [InlineData("DateTimeOffset.MinValue")]
    [InlineData("default(DateTimeOffset)")]
    [InlineData("DateTimeOffset.FromUnixTimeSeconds(-60)")]
    public Task Start_times_before_1970_are_errors(string start) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromAbsoluteTime(\"events\", {{|TK0006:{start}|}});"));

    [Fact]
    public Task Negative_timestamps_in_records_and_FromUnixTimeMilliseconds_are_errors() =>
        Verify.VerifyAsync(Code.InMethod("""
            _ = new OffsetPolicy.AbsoluteTime({|TK0006:-5|});
            SourceTopic.FromAbsoluteTime("events", DateTimeOffset.FromUnixTimeMilliseconds({|TK0006:-5|}));
            """));

    [Fact]
    public Task The_message_shows_the_instant_before_the_epoch() =>
        Verify.VerifyAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", {|#0:new DateTimeOffset(1969, 7, 20, 20, 17, 0, TimeSpan.Zero)|});"),
            Verify.Diagnostic(Descriptors.TimestampBeforeEpoch).WithLocation(0)
                .WithArguments("new DateTimeOffset(1969, 7, 20, 20, 17, 0, TimeSpan.Zero)", "1969-07-20T20:17:00Z"));

    [Theory]
    [InlineData("1_767_225_600_000")]
    [InlineData("0")]
    [InlineData("999_999_999")]
    [InlineData("100_000_000_000")]
    [InlineData("long.MaxValue")]
    [InlineData("new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)")]
    [InlineData("new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(-1))")]
    [InlineData("DateTimeOffset.FromUnixTimeSeconds(1_767_225_600)")]
    [InlineData("DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000)")]
    [InlineData("DateTimeOffset.UnixEpoch")]
    [InlineData("DateTimeOffset.MaxValue")]
    public Task Plausible_start_times_pass(string start) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromAbsoluteTime(\"events\", {start});"));

    [Theory]
    [InlineData("msFromConfig")]
    [InlineData("msFromConfig / 1000")]
    [InlineData("DateTimeOffset.UtcNow")]
    [InlineData("DateTimeOffset.UtcNow.AddDays(-1)")]
    [InlineData("DateTimeOffset.UtcNow.ToUnixTimeSeconds()")]
    [InlineData("DateTimeOffset.FromUnixTimeMilliseconds(msFromConfig)")]
    [InlineData("new DateTimeOffset(new DateTime(1960, 1, 1))")]
    [InlineData("DateTimeOffset.Parse(\"1960-01-01T00:00:00Z\")")]
    public Task Start_times_not_known_at_compile_time_are_not_checked(string start) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromAbsoluteTime(\"events\", {start});"));
}
