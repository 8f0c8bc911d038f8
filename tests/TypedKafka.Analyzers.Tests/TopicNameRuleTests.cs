using TypedKafka.Generators.Analyzers;

namespace TypedKafka.Analyzers.Tests;

/// <summary>
/// TK0001's copy of Kafka's topic-name rules (the analyzer runs in the compiler and cannot reference
/// the runtime) agrees with the runtime's (TopicNameRules, behind SourceTopic and TypedKafka.Testing).
/// </summary>
public class TopicNameRuleTests
{
    private static IEnumerable<string> Names()
    {
        string[] names = ["", ".", "..", "...", "events", "orders.v2_eu-west-1", "bad topic", "orders/2024", "café", "a\u0000b"];
        foreach (var name in names)
        {
            yield return name;
        }

        for (var c = (char)0; c < 256; c++)
        {
            yield return "x" + c;
            yield return c.ToString();
        }

        foreach (var length in new[] { 1, 248, 249, 250, 300 })
        {
            yield return new string('a', length);
        }
    }

    [Fact]
    public void The_analyzer_and_the_runtime_accept_the_same_topic_names()
    {
        var disagreements = Names()
            .Where(name => (TopicNames.FindProblem(name) is null) != Accepts(() => SourceTopic.FromEarliest(name)))
            .Select(name => $"'{name}' ({name.Length} chars)")
            .ToList();

        Assert.Empty(disagreements);
    }

    [Fact]
    public void The_analyzer_and_the_runtime_have_the_same_length_limit() =>
        Assert.Equal(SourceTopic.MaxNameLength, TopicNames.MaxLength);

    private static bool Accepts(Action create)
    {
        try
        {
            create();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
