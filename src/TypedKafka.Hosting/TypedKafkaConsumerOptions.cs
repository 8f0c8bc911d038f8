using TypedKafka.Windows;

namespace TypedKafka.Hosting;

/// <summary>
/// One consumer's settings, bound from <c>TypedKafka:Consumers:NAME</c>. <c>TypedKafka:BootstrapServers</c>
/// and <c>TypedKafka:Kafka</c> give defaults shared by every consumer; a consumer's own values win.
/// Validated when the host starts: an error names the configuration key at fault.
/// </summary>
public sealed record TypedKafkaConsumerOptions
{
    /// <summary>The brokers, <c>host:port,...</c>; may instead be given as <c>Kafka:bootstrap.servers</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topics to read, each as <c>NAME:POLICY[:ARG]</c> (see <see cref="SourceTopic.Parse(string)"/>). Order breaks timestamp ties.</summary>
    public IList<string> Topics { get; set; } = [];

    /// <summary>
    /// The switch from replay to live; default: the time the consumer starts. Not an end: live
    /// messages keep coming after it. For an end, see <see cref="Until"/>.
    /// </summary>
    public DateTimeOffset? Cutoff { get; set; }

    /// <summary>
    /// Makes the consumer a bounded job: <c>end</c> (each partition's end when the consumer starts)
    /// or a time, exclusive: Unix milliseconds, an ISO 8601 instant, a duration back from the start
    /// (<c>1h</c>, also <c>-1h</c>; <c>+1h</c> is ahead) or <c>now</c> (see <see cref="TimeArgument.ParseInstant"/>).
    /// Once everything before it is handled the consumer stops, complete; when every consumer of the
    /// host has an <c>Until</c> and is complete, the host stops itself. Default: none, read on live.
    /// </summary>
    public string? Until { get; set; }

    /// <summary>At most this many messages per batch.</summary>
    public int BatchSize { get; set; } = ConsumerOptions.DefaultBatchSize;

    /// <summary>Above this many messages held for ordering, partitions that run ahead are paused.</summary>
    public int MaxHeldMessages { get; set; } = ConsumerOptions.DefaultMaxHeldMessages;

    /// <summary>Above this many key and value bytes held for ordering, partitions that run ahead are paused.</summary>
    public long MaxHeldBytes { get; set; } = ConsumerOptions.DefaultMaxHeldBytes;

    /// <summary>Live, hold rows up to this long for timestamp order across partitions (<see cref="LiveOrdering.Hold"/>); null releases them on arrival.</summary>
    public TimeSpan? LiveHold { get; set; }

    /// <summary>During replay, a partition without progress for this long stops holding the others back (<see cref="ConsumerOptions.IdleTimeout"/>); null waits forever.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Keep each message's headers in a <c>headers</c> column (<see cref="ConsumerOptions.IncludeHeaders"/>):
    /// handler activities then link to the producer's trace context of a <c>traceparent</c> header. Off by default (it costs CPU).
    /// </summary>
    public bool IncludeHeaders { get; set; }

    /// <summary>Within a partition, rows up to this far behind its latest time are still released in timestamp order (<see cref="ConsumerOptions.MaxOutOfOrderness"/>); zero keeps offset order.</summary>
    public TimeSpan MaxOutOfOrderness { get; set; }

    /// <summary>Replay history at its recorded pace times this (1 = as recorded, 10 = ten times faster; <see cref="ReplayPace.Recorded"/>); null replays as fast as it can be read.</summary>
    public double? Speed { get; set; }

    /// <summary>Fail the consumer when the log lost offsets it had still to read (the default), or count the loss, log a warning and go on (<see cref="ConsumerOptions.FailOnDataLoss"/>).</summary>
    public bool FailOnDataLoss { get; set; } = true;

    /// <summary>How long one poll waits for messages; also how quickly a stop is noticed between batches.</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Commit the offsets of each batch once its handler has completed (needs <c>Kafka:group.id</c>);
    /// with topics read as <c>NAME:committed</c>, a restart resumes after the last handled batch.
    /// </summary>
    public bool CommitHandled { get; set; }

    /// <summary>
    /// A Kafka consumer group that shares the topics' partitions between instances, here and in
    /// other processes (<see cref="ConsumerOptions.ConsumerGroup"/>); null reads every partition in this consumer.
    /// Each instance keeps timestamp order over the partitions it holds, not across instances (docs/scaling.md).
    /// </summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>
    /// How many members of <see cref="ConsumerGroup"/> this process runs for this consumer, each on its
    /// own thread with its own handler, health check (<c>typedkafka:NAME#i</c>) and metrics tag (<c>NAME#i</c>).
    /// More than 1 needs a <see cref="ConsumerGroup"/>. Default 1.
    /// </summary>
    public int Instances { get; set; } = 1;

    /// <summary>What a typed consumer does with a message it cannot decode.</summary>
    public BadPayloadPolicy BadPayloadPolicy { get; set; } = BadPayloadPolicy.Skip;

    /// <summary>What happens when the handler throws.</summary>
    public HandlerErrorOptions OnHandlerError { get; set; } = new();

    /// <summary>
    /// Tumbling event-time windows, bound from <c>Consumers:NAME:Window</c>: required by consumers
    /// added with <c>AddWindowedConsumer</c>, refused for the others.
    /// </summary>
    public TypedKafkaWindowOptions? Window { get; set; }

    /// <summary>Where the consumer's client log lines and data-loss warnings go: set by the host, never bound from configuration.</summary>
    internal Microsoft.Extensions.Logging.ILogger? ClientLogger { get; init; }

    /// <summary>Raw librdkafka settings (<c>group.id</c>, <c>security.protocol</c>, <c>sasl.password</c>, ...). Values of secret-looking keys are never logged.</summary>
    public IDictionary<string, string> Kafka { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>
/// The windows of a windowed consumer (see <see cref="TumblingWindowOptions"/>, which these become):
/// <c>[Origin + k * Length, Origin + (k + 1) * Length)</c>, each handed over once the release
/// watermark passes its end or, live, once the clock passes its end plus <see cref="Grace"/>.
/// </summary>
public sealed record TypedKafkaWindowOptions
{
    /// <summary>Window length, whole milliseconds; required, e.g. <c>00:01:00</c>.</summary>
    public TimeSpan Length { get; set; }

    /// <summary>Windows start at <c>Origin + k * Length</c>. Default: the Unix epoch.</summary>
    public DateTimeOffset Origin { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>Live, how long after a window's end (by the clock) it is closed when no later message came. Default: 5 seconds.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Hand over windows without rows too (between windows with rows, never before the first). Default: false.</summary>
    public bool EmitEmpty { get; set; }

    /// <summary>Where a live row goes whose window was already handed over: the next open window (counted as late), or the consumer fails.</summary>
    public LateMessagePolicy LatePolicy { get; set; } = LateMessagePolicy.NextOpenWindow;
}

/// <summary>What a consumer does when its handler throws.</summary>
public sealed record HandlerErrorOptions
{
    /// <summary>Stop the host at once, or retry the same batch first.</summary>
    public HandlerErrorPolicy Policy { get; set; } = HandlerErrorPolicy.StopHost;

    /// <summary>Under <see cref="HandlerErrorPolicy.Retry"/>: attempts in all, the first included; when they are used up the host stops.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Under <see cref="HandlerErrorPolicy.Retry"/>: the wait before the second attempt; it doubles for each later one.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Under <see cref="HandlerErrorPolicy.Retry"/>: the longest wait between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>What a consumer does when its handler throws.</summary>
public enum HandlerErrorPolicy
{
    /// <summary>Log the error with the batch's offsets, mark the consumer unhealthy and stop the host; nothing after the batch is delivered.</summary>
    StopHost,

    /// <summary>Hand the same batch again after an exponentially growing delay, up to <see cref="HandlerErrorOptions.MaxAttempts"/>; then stop the host.</summary>
    Retry,
}
