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

    /// <summary>
    /// Stand-ins for the typed consumers (matched by the metadata names <c>TypedKafka.TypedConsumer`1</c>
    /// and <c>`2</c>), declared in the test source: a type declared in source takes precedence over one
    /// of the same name in TypedKafka.dll, so these tests need no generated message type.
    /// </summary>
    public const string TypedConsumerStub = """

        namespace TypedKafka
        {
            public class TypedConsumer<T, TKey>
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

            public sealed class TypedConsumer<T> : System.IDisposable
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

                public StubBatch Poll(System.TimeSpan timeout) => new();

                public void Dispose()
                {
                }
            }

            public sealed class StubBatch : System.IDisposable
            {
                public StubBatch RecordBatch => this;

                public int Length => 0;

                public void Dispose()
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
