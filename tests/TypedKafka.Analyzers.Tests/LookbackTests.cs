using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0002 (negative), TK0003 (zero) and TK0004 (beyond retention): relative-time look-backs.</summary>
public class LookbackTests
{
    [Theory]
    [InlineData("-1")]
    [InlineData("-3_600_000L")]
    [InlineData("TimeSpan.FromHours(-2)")]
    [InlineData("TimeSpan.FromMinutes(-0.5)")]
    [InlineData("-TimeSpan.FromMinutes(5)")]
    [InlineData("TimeSpan.Zero - TimeSpan.FromSeconds(1)")]
    [InlineData("TimeSpan.FromHours(1) * -1")]
    [InlineData("new TimeSpan(-1, 0, 0)")]
    [InlineData("new TimeSpan(0, 0, -30)")]
    [InlineData("TimeSpan.MinValue")]
    public Task Negative_lookbacks_are_errors(string lookback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {{|TK0002:{lookback}|}});"));

    [Theory]
    [InlineData("0")]
    [InlineData("TimeSpan.Zero")]
    [InlineData("TimeSpan.FromHours(0)")]
    [InlineData("default(TimeSpan)")]
    [InlineData("new TimeSpan()")]
    [InlineData("TimeSpan.FromHours(1) - TimeSpan.FromMinutes(60)")]
    public Task Zero_lookbacks_are_warnings(string lookback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {{|TK0003:{lookback}|}});"));

    [Theory]
    [InlineData("TimeSpan.FromDays(400)")]
    [InlineData("31_622_400_000")] // 366 days in milliseconds
    [InlineData("1_767_225_600_000")] // an absolute timestamp passed as a duration
    [InlineData("TimeSpan.FromDays(365) + TimeSpan.FromHours(1)")]
    [InlineData("TimeSpan.FromDays(1) * 366")]
    [InlineData("new TimeSpan(366, 0, 0, 0)")]
    [InlineData("TimeSpan.FromTicks(1_000_000_000_000_000)")]
    [InlineData("TimeSpan.MaxValue")]
    public Task Lookbacks_beyond_a_year_are_warnings(string lookback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {{|TK0004:{lookback}|}});"));

    [Fact]
    public Task The_offset_policy_record_is_checked_too() =>
        Verify.VerifyAsync(Code.InMethod("""
            SourceTopic.FromCommitted("events", new OffsetPolicy.RelativeTime({|TK0002:TimeSpan.FromDays(-1)|}));
            _ = new OffsetPolicy.RelativeTime({|TK0003:TimeSpan.Zero|});
            _ = new OffsetPolicy.RelativeTime(Lookback: {|TK0004:TimeSpan.FromDays(1000)|});
            """));

    [Fact]
    public Task Consts_are_checked() =>
        Verify.VerifyAsync(Code.InMethod("""
            const long Lookback = -5_000;
            const double Hours = -1.5;
            SourceTopic.FromRelativeTime("events", {|TK0002:Lookback|});
            SourceTopic.FromRelativeTime("events", {|TK0002:TimeSpan.FromHours(Hours)|});
            """));

    [Fact]
    public Task Messages_name_the_value_and_its_length() =>
        Verify.VerifyAsync(
            Code.InMethod("""
                SourceTopic.FromRelativeTime("a", {|#0:TimeSpan.FromHours(-2)|});
                SourceTopic.FromRelativeTime("b", {|#1:0|});
                SourceTopic.FromRelativeTime("c", {|#2:TimeSpan.FromDays(400)|});
                """),
            Verify.Diagnostic(Descriptors.NegativeLookback).WithLocation(0).WithArguments("TimeSpan.FromHours(-2)", "-2 hours"),
            Verify.Diagnostic(Descriptors.ZeroLookback).WithLocation(1).WithArguments("0"),
            Verify.Diagnostic(Descriptors.LookbackBeyondRetention).WithLocation(2).WithArguments("TimeSpan.FromDays(400)", "400 days"));

    [Theory]
    [InlineData("3_600_000")]
    [InlineData("1")]
    [InlineData("TimeSpan.FromHours(2)")]
    [InlineData("TimeSpan.FromDays(365)")]
    [InlineData("TimeSpan.FromMinutes(90)")]
    [InlineData("TimeSpan.FromHours(1) + TimeSpan.FromMinutes(30)")]
    [InlineData("TimeSpan.FromMilliseconds(1)")]
    [InlineData("new TimeSpan(1, 30, 0)")]
    public Task Plausible_lookbacks_pass(string lookback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {lookback});"));

    [Theory]
    [InlineData("msFromConfig")]
    [InlineData("-msFromConfig")]
    [InlineData("spanFromConfig")]
    [InlineData("TimeSpan.FromHours(sizeFromConfig)")]
    [InlineData("TimeSpan.FromHours(1) * sizeFromConfig")]
    [InlineData("spanFromConfig - TimeSpan.FromDays(1000)")]
    [InlineData("TimeSpan.Parse(\"-01:00:00\")")]
    [InlineData("DateTimeOffset.UtcNow - DateTimeOffset.UtcNow.AddDays(1)")]
    public Task Lookbacks_not_known_at_compile_time_are_not_checked(string lookback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {lookback});"));
}
