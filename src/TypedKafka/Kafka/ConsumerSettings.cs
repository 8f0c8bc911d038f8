using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// The user's librdkafka settings, checked, with the ones ordered replay relies on. Values are read
/// as the strings librdkafka parses, never through Confluent's typed getters, which throw on valid
/// librdkafka spellings ("smallest") and name no key on invalid ones.
/// </summary>
internal static class ConsumerSettings
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a broker may hold a fetch that finds no new data (librdkafka: 500 ms). A replay ends
    /// when every partition reports its end, which arrives on such a fetch; live, it bounds the latency
    /// of a quiet partition. 100 ms costs a few fetch requests per second per broker when idle.
    /// </summary>
    public const int DefaultFetchWaitMaxMs = 100;

    /// <summary>
    /// How long the client waits before fetching again once its queue is above its thresholds
    /// (librdkafka: 1000 ms). The threshold is on the consumer's one queue shared by all partitions,
    /// and a poll drains it in batches, so a replay crossed it often and stalled for a second each
    /// time (docs/benchmarks.md).
    /// </summary>
    public const int DefaultFetchQueueBackoffMs = 10;

    /// <summary>The client's prefetch queue (<c>queued.max.messages.kbytes</c>) gets this fraction of <c>MaxHeldBytes</c>, within librdkafka's default and minimum below.</summary>
    public const int PrefetchShareOfHeldBytes = 4;

    /// <summary>librdkafka's default <c>queued.max.messages.kbytes</c> (64 MiB), the most the derived value takes.</summary>
    public const int MaxQueuedKilobytes = 64 * 1024;

    /// <summary>The least derived <c>queued.max.messages.kbytes</c>: a quarter of a small bound would stop the client from keeping one fetch queued.</summary>
    public const int MinQueuedKilobytes = 256;

    /// <summary>Checks <paramref name="config"/> and adds what ordered reading needs; with <paramref name="withHeaders"/> the client marshals each message's headers (for an event-time reader), which costs about a quarter of its per-message CPU.</summary>
    /// <remarks><paramref name="maxHeldBytes"/> is the engine's held-byte bound, from which the client's prefetch queue is sized unless the user set it.</remarks>
    public static ConsumerConfig Build(IReadOnlyDictionary<string, string> config, int topicCount, out TimeSpan requestTimeout, bool withHeaders = false, long maxHeldBytes = Engine.EngineOptions.DefaultMaxHeldBytes)
    {
        ArgumentNullException.ThrowIfNull(config);
        CheckBootstrapServers(config);
        CheckAutoCommit(config);
        if (config.TryGetValue("group.id", out var group) && string.IsNullOrWhiteSpace(group))
        {
            throw Invalid("group.id", group, "is empty: leave it out for a fresh unique group, or name a group", nameof(config));
        }

        if (config.TryGetValue("auto.offset.reset", out var reset))
        {
            // One way to decide each thing: a silent jump here would undo both of those.
            throw Invalid(
                "auto.offset.reset", reset,
                "is decided by TypedKafka: where each topic starts is its offset policy (SourceTopic), and a position the log no longer holds " +
                "fails Poll with a DataLossException, or is counted and skipped with ConsumerOptions.FailOnDataLoss = false; leave the setting out",
                nameof(config));
        }

        var socketTimeoutMs = default(int?);
        if (config.TryGetValue("socket.timeout.ms", out var socketTimeout))
        {
            socketTimeoutMs = int.TryParse(socketTimeout, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? ms
                : throw Invalid("socket.timeout.ms", socketTimeout, "is not a whole number of milliseconds", nameof(config));
        }

        var settings = new ConsumerConfig(new Dictionary<string, string>(config))
        {
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // The end of a partition can be a transaction marker that carries no message: the EOF event is how we know.
            EnablePartitionEof = true,
            // Headers are not part of the output, and marshaling them costs about a quarter of the
            // client's per-message CPU; with one topic its name is known, so it is not marshaled either.
            ConsumeResultFields = (topicCount == 1 ? "timestamp" : "topic,timestamp") + (withHeaders ? ",headers" : string.Empty),
        };
        settings.GroupId ??= $"typedkafka-{Guid.NewGuid():N}";

        // Defaults for an ordered replay; a key the user set always wins.
        Default(settings, config, "fetch.wait.max.ms", DefaultFetchWaitMaxMs);
        Default(settings, config, "fetch.queue.backoff.ms", DefaultFetchQueueBackoffMs);

        // The client's prefetch comes on top of what the engine holds, so it is sized from the same
        // bound; librdkafka then lowers fetch.max.bytes to it (never below message.max.bytes).
        Default(settings, config, "queued.max.messages.kbytes", QueuedKilobytes(maxHeldBytes));

        // A position the log no longer holds is reported by the client, never jumped over: the consumer decides (FailOnDataLoss).
        settings.AutoOffsetReset = AutoOffsetReset.Error;

        requestTimeout = socketTimeoutMs is { } timeoutMs && timeoutMs < DefaultRequestTimeout.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(timeoutMs)
            : DefaultRequestTimeout;
        return settings;
    }

    /// <summary><c>queued.max.messages.kbytes</c> for a held-byte bound: a quarter of it, within 256 KiB and librdkafka's default 64 MiB.</summary>
    public static int QueuedKilobytes(long maxHeldBytes) =>
        (int)Math.Clamp(maxHeldBytes / PrefetchShareOfHeldBytes / 1024, MinQueuedKilobytes, MaxQueuedKilobytes);

    private static void Default(ConsumerConfig settings, IReadOnlyDictionary<string, string> config, string key, int value)
    {
        if (!config.ContainsKey(key))
        {
            settings.Set(key, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void CheckBootstrapServers(IReadOnlyDictionary<string, string> config)
    {
        if (!config.TryGetValue("bootstrap.servers", out var bootstrap) || string.IsNullOrWhiteSpace(bootstrap))
        {
            throw new ArgumentException("The config needs 'bootstrap.servers', for example \"localhost:9092\".", nameof(config));
        }

        // librdkafka accepts anything here and retries connecting to it until the request times out (10 s).
        if (!bootstrap.Split(',').Any(IsBroker))
        {
            throw Invalid("bootstrap.servers", bootstrap, "names no broker: give HOST:PORT entries separated by commas, for example \"localhost:9092\"", nameof(config));
        }
    }

    private static void CheckAutoCommit(IReadOnlyDictionary<string, string> config)
    {
        if (!config.TryGetValue("enable.auto.commit", out var autoCommit))
        {
            return;
        }

        // Every spelling librdkafka reads as true is refused alike: "1" used to be taken and silently turned off.
        switch (ParseBool(autoCommit))
        {
            case true:
                throw Invalid(
                    "enable.auto.commit",
                    autoCommit,
                    "would commit offsets of messages still held for ordering, so a restart could skip them; " +
                    "call ConsumerManager.CommitReleased() to commit what was released", nameof(config));
            case null:
                throw Invalid("enable.auto.commit", autoCommit, "is not a boolean: librdkafka takes true or false (also t, f, 1, 0)", nameof(config));
        }
    }

    /// <summary>A boolean as librdkafka parses it: true, t or 1; false, f or 0; words in any case. Null otherwise.</summary>
    private static bool? ParseBool(string value) => value switch
    {
        "1" => true,
        "0" => false,
        _ when value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("t", StringComparison.OrdinalIgnoreCase) => true,
        _ when value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.Equals("f", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    /// <summary>An entry librdkafka can connect to: [PROTOCOL://]HOST[:PORT], HOST a name, an IPv4 or a bracketed (or bare) IPv6 address.</summary>
    private static bool IsBroker(string entry)
    {
        entry = entry.Trim();
        var scheme = entry.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            entry = entry[(scheme + 3)..];
        }

        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            return close > 0
                && IsIPv6(entry[1..close])
                && (close == entry.Length - 1 || (entry[close + 1] == ':' && IsPort(entry[(close + 2)..])));
        }

        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && entry.IndexOf(':', colon + 1) >= 0)
        {
            return IsIPv6(entry);
        }

        var host = colon < 0 ? entry : entry[..colon];
        return host.Length > 0
            && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            && (colon < 0 || IsPort(entry[(colon + 1)..]));
    }

    private static bool IsIPv6(string text) => IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;

    private static ArgumentException Invalid(string key, string value, string problem, string parameter) =>
        new($"'{key}' = {SecretSettings.Quote(key, value)} {problem}.", parameter);
}
