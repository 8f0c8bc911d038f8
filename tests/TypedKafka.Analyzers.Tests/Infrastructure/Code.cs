namespace TypedKafka.Analyzers.Tests.Infrastructure;

/// <summary>Wraps the statements under test in a compilable file, with values that are not known at compile time at hand.</summary>
internal static class Code
{
    public static string InMethod(string statements) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TypedKafka;

        static class Example
        {
            static void Run(
                IReadOnlyDictionary<string, string> config,
                string topicFromConfig,
                long msFromConfig,
                TimeSpan spanFromConfig,
                string zoneFromConfig,
                int sizeFromConfig,
                SourceTopic[] topicsFromConfig,
                OffsetPolicy policyFromConfig)
            {
        {{Indent(statements, 8)}}
            }
        }
        """;

    /// <summary>A stand-in for the typed consumer, declared in the test source so the tests do not depend on whether TypedKafka ships one yet.</summary>
    public const string TypedConsumerStub = """

        namespace TypedKafka
        {
            public sealed class TypedConsumer<T>
            {
                public TypedConsumer(
                    System.Collections.Generic.IReadOnlyDictionary<string, string> config,
                    System.Collections.Generic.IEnumerable<SourceTopic> topics,
                    long? cutoffMs = null,
                    int batchSize = 10_000,
                    int maxHeldMessages = 1_000_000,
                    long maxHeldBytes = 268_435_456)
                {
                }
            }
        }
        """;

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join("\n", text.Trim('\n').Split('\n').Select(line => line.Length == 0 ? line : pad + line));
    }
}
