namespace TypedKafka.Testing;

/// <summary>Topic names checked by <see cref="TopicNameRules"/>, the rules SourceTopic applies (compiled in from TypedKafka).</summary>
internal static class TopicNames
{
    private const int MaxLength = TopicNameRules.MaxLength;

    internal static void Validate(string topic, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        if (topic.Length == 0 || topic.Length > MaxLength)
        {
            throw new ArgumentException($"Topic name '{topic}' must have 1 to {MaxLength} characters.", paramName);
        }

        if (TopicNameRules.IsReserved(topic))
        {
            throw new ArgumentException($"Topic name '{topic}' is not allowed.", paramName);
        }

        if (TopicNameRules.IndexOfIllegalChar(topic) is var illegal and >= 0)
        {
            throw new ArgumentException(
                $"Topic name '{topic}' has the character '{topic[illegal]}'; only ASCII letters, digits, '.', '_' and '-' are allowed.",
                paramName);
        }
    }
}
