namespace TypedKafka;

/// <summary>
/// A message could not be decoded and the consumer's policy is <see cref="BadPayloadPolicy.Fail"/>.
/// The consumer is stopped: every later poll throws again.
/// </summary>
public sealed class BadPayloadException : Exception
{
    /// <summary>A bad payload, with no detail.</summary>
    public BadPayloadException()
        : this("A message could not be decoded.")
    {
    }

    /// <summary>A bad payload, described by <paramref name="message"/>.</summary>
    /// <param name="message">The description.</param>
    public BadPayloadException(string message)
        : base(message)
    {
        Topic = string.Empty;
        Reason = message;
    }

    /// <summary>A bad payload reported again, after <paramref name="innerException"/>.</summary>
    /// <param name="message">The description.</param>
    /// <param name="innerException">The first report.</param>
    public BadPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Topic = string.Empty;
        Reason = message;
    }

    internal BadPayloadException(PayloadError error)
        : base($"Bad payload in topic '{error.Topic}', partition {error.Partition}, offset {error.Offset}: {error.Reason}")
    {
        Topic = error.Topic;
        Partition = error.Partition;
        Offset = error.Offset;
        Reason = error.Reason;
        RawValue = error.RawValue;
    }

    /// <summary>The topic the message was read from.</summary>
    public string Topic { get; }

    /// <summary>Its partition.</summary>
    public int Partition { get; }

    /// <summary>Its offset.</summary>
    public long Offset { get; }

    /// <summary>Why it could not be decoded.</summary>
    public string Reason { get; }

    /// <summary>The value bytes as they arrived; null for a tombstone.</summary>
    public ReadOnlyMemory<byte>? RawValue { get; }
}
