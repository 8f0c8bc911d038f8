using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.ConsumerArgumentsAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0010 (limits that are not positive) and TK0011 (a cutoff in seconds).</summary>
public class ConsumerOptionsTests
{
    private const string Topics = "[SourceTopic.FromEarliest(\"events\")]";

    [Theory]
    [InlineData("batchSize: {|TK0010:0|}")]
    [InlineData("batchSize: {|TK0010:-1|}")]
    [InlineData("maxHeldMessages: {|TK0010:0|}")]
    [InlineData("maxHeldBytes: {|TK0010:-1L|}")]
    [InlineData("null, {|TK0010:0|}")]
    [InlineData("maxHeldBytes: {|TK0010:0|}, batchSize: {|TK0010:-5|}")]
    public Task Limits_that_are_not_positive_are_errors(string arguments) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {Topics}, {arguments});"));

    [Fact]
    public Task The_message_names_the_parameter_and_value() =>
        Verify.VerifyAsync(
            Code.InMethod($$"""
                const int Size = 0;
                new ConsumerManager(config, {{Topics}}, batchSize: {|#0:Size|});
                """),
            Verify.Diagnostic(Descriptors.NonPositiveLimit).WithLocation(0).WithArguments("batchSize", "0"));

    [Theory]
    [InlineData("batchSize: 1")]
    [InlineData("batchSize: 10_000, maxHeldMessages: 1, maxHeldBytes: 1")]
    [InlineData("batchSize: sizeFromConfig")]
    [InlineData("batchSize: -sizeFromConfig")]
    [InlineData("maxHeldBytes: msFromConfig")]
    public Task Positive_or_unknown_limits_pass(string arguments) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {Topics}, {arguments});"));

    [Theory]
    [InlineData("cutoffMs: {|TK0011:1_700_000_000|}")]
    [InlineData("cutoffMs: {|TK0011:1_700_000_000L|}")]
    [InlineData("{|TK0011:1_700_000_000|}")]
    public Task A_cutoff_in_seconds_is_a_warning(string arguments) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {Topics}, {arguments});"));

    [Fact]
    public Task The_cutoff_message_shows_both_readings() =>
        Verify.VerifyAsync(
            Code.InMethod($"new ConsumerManager(config, {Topics}, cutoffMs: {{|#0:1_767_225_600|}});"),
            Verify.Diagnostic(Descriptors.CutoffInSeconds).WithLocation(0)
                .WithArguments("1_767_225_600", "1970-01-21T10:53:45Z", "2026-01-01T00:00:00Z"));

    [Theory]
    [InlineData("cutoffMs: 1_767_225_600_000")]
    [InlineData("cutoffMs: null")]
    [InlineData("cutoffMs: msFromConfig")]
    [InlineData("cutoffMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()")]
    [InlineData("cutoffMs: DateTimeOffset.UtcNow.ToUnixTimeSeconds()")]
    [InlineData("batchSize: 5")]
    public Task Cutoffs_in_milliseconds_or_unknown_pass(string arguments) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {Topics}, {arguments});"));
}
