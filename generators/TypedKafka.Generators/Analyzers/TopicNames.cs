using System.Globalization;

namespace TypedKafka.Generators.Analyzers;

/// <summary>Kafka's topic-name rules, the same that <c>SourceTopic.Validate</c> applies at run time.</summary>
internal static class TopicNames
{
    public const int MaxLength = 249;

    /// <summary>Why <paramref name="name"/> is not a legal topic name, as a clause that follows "Topic name 'x'"; null if it is legal.</summary>
    public static string? FindProblem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty; Kafka topic names have 1 to 249 characters";
        }

        if (name.Length > MaxLength)
        {
            return string.Format(CultureInfo.InvariantCulture, "is {0} characters long; Kafka allows at most {1}", name.Length, MaxLength);
        }

        if (name is "." or "..")
        {
            return "is reserved; Kafka does not allow '.' or '..'";
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (!IsLegal(name[i]))
            {
                return string.Format(CultureInfo.InvariantCulture, "contains {0} at position {1}; Kafka allows only [a-zA-Z0-9._-]", Format.Character(name[i]), i);
            }
        }

        return null;
    }

    private static bool IsLegal(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';
}
