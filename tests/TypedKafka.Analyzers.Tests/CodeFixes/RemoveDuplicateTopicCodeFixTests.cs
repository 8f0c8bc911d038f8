using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.CodeFixes;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.CodeFixVerifier<TypedKafka.Generators.Analyzers.ConsumerArgumentsAnalyzer, TypedKafka.CodeFixes.RemoveDuplicateTopicCodeFix>;

namespace TypedKafka.Analyzers.Tests.CodeFixes;

/// <summary>TK0009 fix: the repeated entry goes, the first one and its policy stay.</summary>
public class RemoveDuplicateTopicCodeFixTests
{
    [Fact]
    public Task The_last_entry_of_a_collection_expression_is_removed() =>
        Verify.VerifyFixAsync(
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromLatest(\"events\")|}]);"),
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"events\")]);"));

    [Fact]
    public Task A_middle_entry_is_removed_with_its_comma() =>
        Verify.VerifyFixAsync(
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"a\"), {|TK0009:SourceTopic.FromEarliest(\"a\")|}, SourceTopic.FromEarliest(\"b\")]);"),
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"a\"), SourceTopic.FromEarliest(\"b\")]);"));

    [Fact]
    public Task An_entry_on_its_own_line_is_removed_with_its_line() =>
        Verify.VerifyFixAsync(
            Code.InMethod("""
                new ConsumerManager(
                    config,
                    [
                        SourceTopic.FromEarliest("events"),
                        {|TK0009:SourceTopic.FromEarliest("events")|},
                        SourceTopic.FromEarliest("metrics"),
                    ]);
                """),
            Code.InMethod("""
                new ConsumerManager(
                    config,
                    [
                        SourceTopic.FromEarliest("events"),
                        SourceTopic.FromEarliest("metrics"),
                    ]);
                """));

    [Fact]
    public Task An_array_initializer_entry_is_removed() =>
        Verify.VerifyFixAsync(
            Code.InMethod("new ConsumerManager(config, new[] { SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromEarliest(\"events\")|} });"),
            Code.InMethod("new ConsumerManager(config, new[] { SourceTopic.FromEarliest(\"events\") });"));

    [Fact]
    public Task Fix_all_removes_every_repeat() =>
        Verify.VerifyFixAsync(
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"a\"), {|TK0009:SourceTopic.FromEarliest(\"a\")|}, SourceTopic.FromEarliest(\"b\"), {|TK0009:SourceTopic.FromEarliest(\"a\")|}, {|TK0009:SourceTopic.FromEarliest(\"b\")|}]);"),
            Code.InMethod("new ConsumerManager(config, [SourceTopic.FromEarliest(\"a\"), SourceTopic.FromEarliest(\"b\")]);"));
}
