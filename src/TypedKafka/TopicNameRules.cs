using System.Buffers;

namespace TypedKafka;

/// <summary>
/// Kafka's topic-name rules: 1 to 249 characters of <c>[a-zA-Z0-9._-]</c>, and neither <c>.</c> nor
/// <c>..</c>. The one copy at run time: <c>SourceTopic</c> applies it, and TypedKafka.Testing
/// compiles this file in (it does not reference TypedKafka). The analyzers' copy (TK0001), which runs in
/// the compiler and cannot reference the runtime, is tied to it by a test (TopicNameRuleTests).
/// </summary>
internal static class TopicNameRules
{
    /// <summary>Kafka's limit on a topic name's length.</summary>
    public const int MaxLength = 249;

    private static readonly SearchValues<char> LegalChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>Names Kafka reserves: <c>.</c> and <c>..</c>.</summary>
    public static bool IsReserved(string name) => name is "." or "..";

    /// <summary>The position of the first character Kafka does not allow in a topic name, or -1.</summary>
    public static int IndexOfIllegalChar(string name) => name.AsSpan().IndexOfAnyExcept(LegalChars);
}
