using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.CodeFixes;
using TypedKafka.Generators.Analyzers;

namespace TypedKafka.Analyzers.Tests.CodeFixes;

/// <summary>TK0005 and TK0011 fixes: seconds become milliseconds.</summary>
public class SecondsToMillisecondsCodeFixTests
{
    [Fact]
    public Task An_int_literal_is_multiplied_as_a_long() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", {|TK0005:1_767_225_600|});"),
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", 1_767_225_600 * 1000L);"),
            SecondsToMillisecondsCodeFix.MultiplyKey);

    [Fact]
    public Task A_long_const_is_multiplied_as_it_is() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("""
                const long StartSeconds = 1_767_225_600;
                SourceTopic.FromAbsoluteTime("events", {|TK0005:StartSeconds|});
                """),
            Code.InMethod("""
                const long StartSeconds = 1_767_225_600;
                SourceTopic.FromAbsoluteTime("events", StartSeconds * 1000);
                """),
            SecondsToMillisecondsCodeFix.MultiplyKey);

    [Fact]
    public Task A_compound_expression_is_parenthesized() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", {|TK0005:1_767_225_600L + 3600|});"),
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", (1_767_225_600L + 3600) * 1000);"),
            SecondsToMillisecondsCodeFix.MultiplyKey);

    [Fact]
    public Task The_long_overload_can_become_the_DateTimeOffset_overload() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", {|TK0005:1_767_225_600|});"),
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", DateTimeOffset.FromUnixTimeSeconds(1_767_225_600));"),
            SecondsToMillisecondsCodeFix.FromUnixTimeSecondsKey);

    [Fact]
    public Task FromUnixTimeMilliseconds_of_seconds_becomes_FromUnixTimeSeconds() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", DateTimeOffset.FromUnixTimeMilliseconds({|TK0005:1_767_225_600|}));"),
            Code.InMethod("SourceTopic.FromAbsoluteTime(\"events\", DateTimeOffset.FromUnixTimeSeconds(1_767_225_600));"),
            SecondsToMillisecondsCodeFix.FromUnixTimeSecondsKey);

    [Fact]
    public Task The_record_argument_is_multiplied() =>
        CodeFixVerifier<OffsetPolicyAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("_ = new OffsetPolicy.AbsoluteTime({|TK0005:1_767_225_600|});"),
            Code.InMethod("_ = new OffsetPolicy.AbsoluteTime(1_767_225_600 * 1000L);"),
            SecondsToMillisecondsCodeFix.MultiplyKey);

    [Fact]
    public Task A_cutoff_in_seconds_is_multiplied() =>
        CodeFixVerifier<ConsumerArgumentsAnalyzer, SecondsToMillisecondsCodeFix>.VerifyFixAsync(
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\")], cutoffMs: {|TK0011:1_767_225_600|});"),
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\")], cutoffMs: 1_767_225_600 * 1000L);"));

    [Fact]
    public async Task Only_multiplying_is_offered_where_no_DateTimeOffset_fits()
    {
        var test = new CodeFixVerifier<ConsumerArgumentsAnalyzer, SecondsToMillisecondsCodeFix>.Test
        {
            TestCode = Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\")], cutoffMs: {|TK0011:1_767_225_600|});"),
            FixedCode = Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\")], cutoffMs: 1_767_225_600 * 1000L);"),
            CodeActionIndex = 0,
            CodeActionVerifier = (action, verifier) => verifier.Equal(SecondsToMillisecondsCodeFix.MultiplyKey, action.EquivalenceKey),
        };
        await test.RunAsync();
    }
}
