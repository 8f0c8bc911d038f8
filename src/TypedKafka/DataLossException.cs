namespace TypedKafka;

/// <summary>
/// The log no longer holds offsets the consumer still had to read (deleted by retention, by
/// DeleteRecords, or truncated): messages <c>[FirstLostOffset, EndLostOffset)</c> of the partition
/// are gone. Thrown by Poll under <see cref="ConsumerOptions.FailOnDataLoss"/> (the default), and
/// by every later poll; with it off, the consumer goes on from the oldest offset left and counts
/// the loss in partition state (<c>lost_messages</c>).
/// </summary>
public sealed class DataLossException : Exception
{
    /// <summary>A data loss with no details.</summary>
    public DataLossException()
    {
    }

    /// <summary>A data loss described by <paramref name="message"/>.</summary>
    /// <param name="message">What was lost.</param>
    public DataLossException(string message)
        : base(message)
    {
    }

    /// <summary>A data loss described by <paramref name="message"/>, found through <paramref name="innerException"/>.</summary>
    /// <param name="message">What was lost.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public DataLossException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Offsets <c>[firstLostOffset, endLostOffset)</c> of the partition were deleted before they were read.</summary>
    /// <param name="topic">The topic of the partition.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="firstLostOffset">The first offset that could not be read.</param>
    /// <param name="endLostOffset">The oldest offset the log still holds (exclusive end of the loss).</param>
    public DataLossException(string topic, int partition, long firstLostOffset, long endLostOffset)
        : base($"{topic}[{partition}]: offsets {firstLostOffset}-{endLostOffset - 1} ({endLostOffset - firstLostOffset:N0} messages) were deleted from the log before they were read. " +
            "Set ConsumerOptions.FailOnDataLoss = false to go on from the oldest offset left and count the loss instead.")
    {
        Topic = topic;
        Partition = partition;
        FirstLostOffset = firstLostOffset;
        EndLostOffset = endLostOffset;
    }

    /// <summary>The topic of the partition that lost messages.</summary>
    public string? Topic { get; }

    /// <summary>The partition that lost messages.</summary>
    public int Partition { get; }

    /// <summary>The first offset that could not be read.</summary>
    public long FirstLostOffset { get; }

    /// <summary>Exclusive: the oldest offset the log still held when the loss was found.</summary>
    public long EndLostOffset { get; }
}
