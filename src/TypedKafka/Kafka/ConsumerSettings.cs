using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>The user's librdkafka settings, checked, with the ones ordered replay relies on.</summary>
internal static class ConsumerSettings
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    public static ConsumerConfig Build(IReadOnlyDictionary<string, string> config, int topicCount, out TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TryGetValue("bootstrap.servers", out var bootstrap) || string.IsNullOrWhiteSpace(bootstrap))
        {
            throw new ArgumentException("The config needs 'bootstrap.servers', for example \"localhost:9092\".", nameof(config));
        }

        if (config.TryGetValue("enable.auto.commit", out var autoCommit) && bool.TryParse(autoCommit, out var on) && on)
        {
            throw new ArgumentException(
                "'enable.auto.commit' = true would commit offsets of messages still held for ordering, so a restart could skip them; " +
                "call ConsumerManager.CommitReleased() to commit what was released.",
                nameof(config));
        }

        var settings = new ConsumerConfig(new Dictionary<string, string>(config))
        {
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // The end of a partition can be a transaction marker that carries no message: the EOF event is how we know.
            EnablePartitionEof = true,
            // Headers are not part of the output, and marshaling them costs about a quarter of the
            // client's per-message CPU; with one topic its name is known, so it is not marshaled either.
            ConsumeResultFields = topicCount == 1 ? "timestamp" : "topic,timestamp",
        };
        settings.GroupId ??= $"typedkafka-{Guid.NewGuid():N}";
        // If a start offset was deleted by retention between resolution and fetch, read on from the oldest left.
        settings.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        requestTimeout = settings.SocketTimeoutMs is { } ms && ms < DefaultRequestTimeout.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : DefaultRequestTimeout;
        return settings;
    }
}
