using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.ConsumerArgumentsAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0009 (the same topic twice) and TK0013 (no topics): a consumer's topic list.</summary>
public class TopicListTests
{
    [Theory]
    [InlineData("[SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromEarliest(\"events\")|}]")]
    [InlineData("[SourceTopic.FromEarliest(\"events\"), SourceTopic.FromLatest(\"other\"), {|TK0009:SourceTopic.FromLatest(\"events\")|}]")]
    [InlineData("new[] { SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromEarliest(\"events\")|} }")]
    [InlineData("new SourceTopic[] { SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromEarliest(\"events\")|} }")]
    [InlineData("new List<SourceTopic> { SourceTopic.FromEarliest(\"events\"), {|TK0009:SourceTopic.FromEarliest(\"events\")|} }")]
    [InlineData("[SourceTopic.FromEarliest(\"events\"), .. topicsFromConfig, {|TK0009:SourceTopic.FromEarliest(\"events\")|}]")]
    public Task A_topic_listed_twice_is_an_error(string topics) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {topics});"));

    [Fact]
    public Task Every_repeat_is_reported_with_the_first_position() =>
        Verify.VerifyAsync(
            Code.InMethod("""
                const string Events = "events";
                new ConsumerManager(
                    config,
                    topics:
                    [
                        SourceTopic.FromEarliest("metrics"),
                        SourceTopic.FromEarliest(Events),
                        {|#0:SourceTopic.FromRelativeTime("events", TimeSpan.FromHours(1))|},
                        {|#1:SourceTopic.FromLatest(Events)|},
                    ],
                    batchSize: 100);
                """),
            Verify.Diagnostic(Descriptors.DuplicateTopic).WithLocation(0).WithArguments("events", "2"),
            Verify.Diagnostic(Descriptors.DuplicateTopic).WithLocation(1).WithArguments("events", "2"));

    [Fact]
    public Task The_typed_consumers_are_checked_too() =>
        Verify.VerifyAsync(Code.InMethod("""
            new TypedConsumer<string>(config, [SourceTopic.FromEarliest("trades"), {|TK0009:SourceTopic.FromEarliest("trades")|}], batchSize: {|TK0010:0|});
            new TypedConsumer<string, long>(config, [SourceTopic.FromLatest("fills"), {|TK0009:SourceTopic.FromLatest("fills")|}], cutoffMs: {|TK0011:1_767_225_600|});
            """) + Code.TypedConsumerStub);

    [Theory]
    [InlineData("[]")]
    [InlineData("new SourceTopic[0]")]
    [InlineData("new SourceTopic[] { }")]
    [InlineData("Array.Empty<SourceTopic>()")]
    [InlineData("Enumerable.Empty<SourceTopic>()")]
    [InlineData("new List<SourceTopic>()")]
    public Task An_empty_topic_list_is_an_error(string topics) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {{|TK0013:{topics}|}});"));

    [Theory]
    [InlineData("[SourceTopic.FromEarliest(\"events\"), SourceTopic.FromEarliest(\"metrics\")]")]
    [InlineData("[SourceTopic.FromEarliest(\"events\"), SourceTopic.FromEarliest(\"Events\")]")] // topic names are case-sensitive
    [InlineData("[SourceTopic.FromEarliest(topicFromConfig), SourceTopic.FromEarliest(topicFromConfig)]")]
    [InlineData("topicsFromConfig")]
    [InlineData("[.. topicsFromConfig]")]
    [InlineData("topicsFromConfig.Where(t => t.Name.Length > 0)")]
    [InlineData("new List<SourceTopic>(topicsFromConfig)")]
    [InlineData("new SourceTopic[sizeFromConfig]")]
    public Task Distinct_or_unknown_topic_lists_pass(string topics) =>
        Verify.VerifyAsync(Code.InMethod($"new ConsumerManager(config, {topics});"));
}
