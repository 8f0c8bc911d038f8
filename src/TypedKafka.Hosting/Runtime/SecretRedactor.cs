using TypedKafka.Kafka;

namespace TypedKafka.Hosting.Runtime;

/// <summary>Keeps secret setting values (passwords, keys, tokens) out of logs.</summary>
internal sealed class SecretRedactor
{
    public const string Mask = SecretSettings.Mask;

    private readonly string[] _secretValues;

    public SecretRedactor(IReadOnlyDictionary<string, string> settings) =>
        _secretValues = settings.Where(s => IsSecret(s.Key) && !string.IsNullOrEmpty(s.Value))
            .Select(s => s.Value)
            .OrderByDescending(v => v.Length)
            .ToArray();

    public static bool IsSecret(string key) => SecretSettings.IsSecret(key);

    /// <summary>The settings as <c>key=value</c> pairs, secret values masked, in key order.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> settings) =>
        string.Join(", ", settings.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"{s.Key}={(IsSecret(s.Key) ? Mask : s.Value)}"));

    public string Scrub(string text)
    {
        foreach (var secret in _secretValues)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// The exception itself when no secret value appears in it; otherwise a stand-in whose text is
    /// scrubbed (librdkafka's messages can quote setting values back).
    /// </summary>
    public Exception Scrub(Exception exception)
    {
        var text = exception.ToString();
        var scrubbed = Scrub(text);
        return ReferenceEquals(text, scrubbed) || text == scrubbed ? exception : new RedactedException(scrubbed);
    }
}

/// <summary>Stands in for an exception whose text quoted a secret.</summary>
internal sealed class RedactedException(string description) : Exception(description)
{
    public override string ToString() => Message;
}
