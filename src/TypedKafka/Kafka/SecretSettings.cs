namespace TypedKafka.Kafka;

/// <summary>
/// Which librdkafka settings hold secrets, so that no message or log quotes their values: the rule
/// TypedKafka's own errors follow, for hosts and tools that log settings too.
/// </summary>
public static class SecretSettings
{
    /// <summary>What stands in for a secret value.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretMarkers = ["password", "secret", "key", "token", "credential", "jaas", "oauthbearer.config"];

    // Settings that contain "key" but name a file or an algorithm, not key material.
    private static readonly string[] NotSecret = ["ssl.key.location", "ssl.keystore.location", "ssl.keystore.type"];

    /// <summary>Whether the setting named <paramref name="key"/> holds a secret (a password, key, token, credential or JAAS/OAUTHBEARER configuration).</summary>
    public static bool IsSecret(string key) =>
        !NotSecret.Contains(key, StringComparer.OrdinalIgnoreCase)
        && SecretMarkers.Any(marker => key.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value as an error message may quote it: masked when the key is secret.</summary>
    public static string Quote(string key, string value) => IsSecret(key) ? Mask : $"\"{value}\"";
}
