using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0001: topic names Kafka rejects.</summary>
public class TopicNameTests
{
    public static TheoryData<string> IllegalNames => new()
    {
        "\"\"",
        "\"bad topic\"",
        "\"orders/2024\"",
        "\"café\"",
        "\".\"",
        "\"..\"",
        "\"" + new string('a', 250) + "\"",
    };

    public static TheoryData<string> LegalNames => new()
    {
        "\"events\"",
        "\"orders.v2_eu-west-1\"",
        "\"...\"",
        "\"" + new string('a', 249) + "\"",
    };

    [Theory]
    [MemberData(nameof(IllegalNames))]
    public Task Illegal_name_literals_are_errors(string name) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromEarliest({{|TK0001:{name}|}});"));

    [Theory]
    [InlineData("SourceTopic.FromLatest({|TK0001:\"a b\"|});")]
    [InlineData("SourceTopic.FromRelativeTime({|TK0001:\"a b\"|}, TimeSpan.FromHours(1));")]
    [InlineData("SourceTopic.FromRelativeTime({|TK0001:\"a b\"|}, 60_000);")]
    [InlineData("SourceTopic.FromAbsoluteTime({|TK0001:\"a b\"|}, 1_767_225_600_000);")]
    [InlineData("SourceTopic.FromAbsoluteTime({|TK0001:\"a b\"|}, DateTimeOffset.UtcNow);")]
    [InlineData("SourceTopic.FromStartOfDay({|TK0001:\"a b\"|}, new TimeOnly(8, 0), \"Europe/London\");")]
    [InlineData("SourceTopic.FromCommitted({|TK0001:\"a b\"|}, new OffsetPolicy.Earliest());")]
    [InlineData("SourceTopic.FromEarliest(name: {|TK0001:\"a b\"|});")]
    public Task Every_factory_checks_its_name(string statement) =>
        Verify.VerifyAsync(Code.InMethod(statement));

    [Fact]
    public Task Consts_and_constant_interpolations_are_checked() =>
        Verify.VerifyAsync(Code.InMethod("""
            const string Prefix = "team a";
            const string Name = "bad name";
            SourceTopic.FromEarliest({|TK0001:Name|});
            SourceTopic.FromEarliest({|TK0001:$"{Prefix}.events"|});
            """));

    [Fact]
    public Task The_message_names_the_topic_and_the_offending_character() =>
        Verify.VerifyAsync(
            Code.InMethod("SourceTopic.FromEarliest({|#0:\"bad topic\"|});"),
            Verify.Diagnostic(Descriptors.InvalidTopicName).WithLocation(0)
                .WithArguments("bad topic", "contains a space at position 3; Kafka allows only [a-zA-Z0-9._-]"));

    [Fact]
    public Task The_message_gives_the_length_of_a_long_name_and_shortens_it() =>
        Verify.VerifyAsync(
            Code.InMethod($"SourceTopic.FromEarliest({{|#0:\"{new string('a', 300)}\"|}});"),
            Verify.Diagnostic(Descriptors.InvalidTopicName).WithLocation(0)
                .WithArguments(new string('a', 57) + "...", "is 300 characters long; Kafka allows at most 249"));

    [Theory]
    [MemberData(nameof(LegalNames))]
    public Task Legal_names_pass(string name) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromEarliest({name});"));

    [Fact]
    public Task Names_not_known_at_compile_time_are_not_checked() =>
        Verify.VerifyAsync(Code.InMethod("""
            SourceTopic.FromEarliest(topicFromConfig);
            SourceTopic.FromEarliest(topicFromConfig + " suffix");
            SourceTopic.FromEarliest(string.Concat("a", " b"));
            SourceTopic.FromEarliest(null!);
            """));
}
