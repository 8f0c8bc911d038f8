using TypedKafka.Analyzers.Tests.Infrastructure;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.CodeFixVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer, TypedKafka.CodeFixes.UseFromLatestCodeFix>;

namespace TypedKafka.Analyzers.Tests.CodeFixes;

/// <summary>TK0003 fix: a zero look-back says FromLatest.</summary>
public class UseFromLatestCodeFixTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("TimeSpan.Zero")]
    public Task A_zero_lookback_becomes_FromLatest(string lookback) =>
        Verify.VerifyFixAsync(
            Code.InMethod($"SourceTopic.FromRelativeTime(\"events\", {{|TK0003:{lookback}|}});"),
            Code.InMethod("SourceTopic.FromLatest(\"events\");"));

    [Fact]
    public Task Named_arguments_keep_their_name() =>
        Verify.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromRelativeTime(lookback: {|TK0003:TimeSpan.Zero|}, name: \"events\");"),
            Code.InMethod("SourceTopic.FromLatest(name: \"events\");"));

    [Fact]
    public Task The_record_is_left_alone() =>
        Verify.VerifyFixAsync(
            Code.InMethod("_ = new OffsetPolicy.RelativeTime({|TK0003:TimeSpan.Zero|});"),
            Code.InMethod("_ = new OffsetPolicy.RelativeTime({|TK0003:TimeSpan.Zero|});"));
}
