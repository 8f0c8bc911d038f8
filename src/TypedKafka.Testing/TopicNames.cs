namespace TypedKafka.Testing;

/// <summary>Kafka's topic-name rules: 1 to 249 characters of [a-zA-Z0-9._-], and neither "." nor "..".</summary>
internal static class TopicNames
{
    private const int MaxLength = 249;

    internal static void Validate(string topic, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        if (topic.Length == 0 || topic.Length > MaxLength)
        {
            throw new ArgumentException($"Topic name '{topic}' must have 1 to {MaxLength} characters.", paramName);
        }

        if (topic is "." or "..")
        {
            throw new ArgumentException($"Topic name '{topic}' is not allowed.", paramName);
        }

        foreach (char c in topic)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new ArgumentException(
                    $"Topic name '{topic}' has the character '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed.",
                    paramName);
            }
        }
    }
}
