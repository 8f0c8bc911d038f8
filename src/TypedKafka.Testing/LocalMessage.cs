using System.Text;

namespace TypedKafka.Testing;

/// <summary>
/// A message for <see cref="LocalKafkaCluster.Produce"/>: the partition it goes to, its CreateTime
/// timestamp in milliseconds since the Unix epoch, and its key and value bytes (either may be null).
/// </summary>
/// <param name="Partition">The partition to write to (0 or more).</param>
/// <param name="TimestampMs">The CreateTime timestamp, milliseconds since 1970-01-01T00:00:00Z (0 or more).</param>
/// <param name="Key">The key bytes, or null for no key.</param>
/// <param name="Value">The value bytes, or null for a tombstone.</param>
public sealed record LocalMessage(int Partition, long TimestampMs, byte[]? Key, byte[]? Value)
{
    /// <summary>The message's headers, in order; keys may repeat and values may be null. Null or empty: none.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers { get; init; }

    /// <summary>A message whose key and value are the UTF-8 encodings of the given strings (null stays null).</summary>
    public static LocalMessage FromStrings(int partition, long timestampMs, string? key, string? value) =>
        new(partition, timestampMs, Utf8(key), Utf8(value));

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);
}
