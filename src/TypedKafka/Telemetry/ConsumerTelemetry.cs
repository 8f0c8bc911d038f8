using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Engine;
using TypedKafka.Kafka;

namespace TypedKafka.Telemetry;

/// <summary>
/// One consumer's share of the <c>TypedKafka</c> meter. The poll thread counts what it takes from
/// the client and, after a poll, takes a snapshot of the engine (at most every
/// <see cref="RefreshInterval"/>, and only while someone listens); the instruments read the counts
/// and the latest snapshot from the collecting thread, never the single-threaded engine or client.
/// </summary>
internal sealed class ConsumerTelemetry : IDisposable
{
    /// <summary>Snapshots cost a partition-state batch and a client call per partition: not after every small live poll.</summary>
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    private static readonly long RefreshTicks = (long)(RefreshInterval.TotalSeconds * Stopwatch.Frequency);

    private readonly IConsumer<StagedBytes, StagedBytes> _client;
    private readonly OrderedMergeEngine _engine;
    private readonly KeyValuePair<string, object?>[] _common;
    private PartitionSet _set;
    private Snapshot _snapshot = null!;
    private long _refreshedAt;
    private int _disposed;

    private ConsumerTelemetry(IConsumer<StagedBytes, StagedBytes> client, OrderedMergeEngine engine, string? groupId)
    {
        _client = client;
        _engine = engine;
        List<KeyValuePair<string, object?>> common =
        [
            new(MessagingAttributes.System, MessagingAttributes.Kafka),
            // The client's instance name ("<client.id>#consumer-<n>"): unique in the process, as the conventions ask.
            new(MessagingAttributes.ClientId, client.Name),
        ];
        if (groupId is not null)
        {
            common.Add(new(MessagingAttributes.ConsumerGroup, groupId));
        }

        _common = [.. common];
        _set = BuildSet(previous: null);
    }

    /// <summary>
    /// The partitions read now, by engine index, with their tags and consumed counts. A consumer
    /// group or partition discovery changes the engine's partitions (and indexes); a new set is
    /// published then, its counts carried over by topic and partition, and never changed but for the counts.
    /// </summary>
    internal sealed record PartitionSet(int Version, TopicPartition[] Partitions, KeyValuePair<string, object?>[][] Tags, KeyValuePair<string, object?>[][] PollTags, long[] Consumed);

    /// <summary>What the instruments read, taken on the poll thread; never changed once published.</summary>
    internal sealed record Snapshot(
        PartitionSet Set,
        long[] Lag,
        long[] OutOfOrderReleases,
        long[] LostMessages,
        int HeldMessages,
        long HeldBytes,
        int PausedPartitions,
        int IdlePartitions,
        double ReplayProgress,
        bool IsLive);

    /// <summary><c>messaging.system</c>, <c>messaging.client.id</c> and, when the config names one, <c>messaging.consumer.group.name</c>.</summary>
    public KeyValuePair<string, object?>[] ConsumerTags => _common;

    /// <summary>The partition set the poll thread published last.</summary>
    public PartitionSet Set => Volatile.Read(ref _set);

    public Snapshot Latest => Volatile.Read(ref _snapshot);

    /// <summary>Starts publishing for a consumer whose engine and client are ready; Dispose stops it.</summary>
    /// <param name="client">The consumer's client: its instance name, cached watermarks and positions.</param>
    /// <param name="engine">The consumer's engine, read on the poll thread only.</param>
    /// <param name="groupId">The group the user configured; null when the consumer made up its own, which names nothing worth a dimension.</param>
    public static ConsumerTelemetry Register(IConsumer<StagedBytes, StagedBytes> client, OrderedMergeEngine engine, string? groupId)
    {
        var telemetry = new ConsumerTelemetry(client, engine, groupId);
        telemetry.Refresh(force: true);
        ConsumerInstruments.Add(telemetry);
        return telemetry;
    }

    public long Consumed(int index) => Volatile.Read(ref Set.Consumed[index]);

    /// <summary>
    /// Counts a message taken from the client, before the engine sees it (so that an offset it
    /// already consumed, which it ignores, is not counted). Poll thread only; one increment.
    /// </summary>
    public void Received(int index, long offset)
    {
        var set = _set.Version == _engine.PartitionSetVersion ? _set : Publish();
        if (offset > _engine.ConsumedOffset(index))
        {
            set.Consumed[index]++;
        }
    }

    /// <summary>
    /// Takes a new snapshot on the poll thread, unless one was taken within <see cref="RefreshInterval"/>
    /// or nobody listens to the instruments it feeds (<paramref name="force"/> takes one regardless).
    /// </summary>
    public void Refresh(bool force = false)
    {
        var now = Stopwatch.GetTimestamp();
        if (!force && (now - _refreshedAt < RefreshTicks || !ConsumerInstruments.SnapshotObserved))
        {
            return;
        }

        _refreshedAt = now;
        var set = _set.Version == _engine.PartitionSetVersion ? _set : Publish();
        using var state = _engine.PartitionState();
        var start = (Int64Array)state.Column("replay_start_offset");
        var end = (Int64Array)state.Column("replay_end_offset");
        var consumedOffset = (Int64Array)state.Column("consumed_offset");
        var releasedOffset = (Int64Array)state.Column("released_offset");
        var outOfOrder = (Int64Array)state.Column("out_of_order_releases");
        var lost = (Int64Array)state.Column("lost_messages");
        var blocking = (StringArray)state.Column("blocking");
        var count = set.Partitions.Length;
        var lag = new long[count];
        var outOfOrderReleases = new long[count];
        var lostMessages = new long[count];
        long replayTotal = 0, replayDone = 0;
        var idle = 0;
        for (var i = 0; i < count; i++)
        {
            var first = start.GetValue(i)!.Value;
            var replayEnd = end.GetValue(i)!.Value;
            var range = Math.Max(0, replayEnd - first);
            replayTotal += range;
            replayDone += Math.Clamp(releasedOffset.GetValue(i)!.Value + 1 - first, 0, range);
            lag[i] = Lag(set.Partitions[i], Math.Max(consumedOffset.GetValue(i)!.Value + 1, first), replayEnd);
            outOfOrderReleases[i] = outOfOrder.GetValue(i)!.Value;
            lostMessages[i] = lost.GetValue(i)!.Value;
            if (blocking.GetString(i) is { } reason && reason.StartsWith("idle since", StringComparison.Ordinal))
            {
                idle++;
            }
        }

        var live = _engine.IsLive;
        Volatile.Write(ref _snapshot, new Snapshot(
            set,
            lag,
            outOfOrderReleases,
            lostMessages,
            _engine.HeldMessageCount,
            _engine.HeldBytes,
            _engine.PausedPartitionCount,
            idle,
            live || replayTotal == 0 ? 1.0 : (double)replayDone / replayTotal,
            live));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ConsumerInstruments.Remove(this);
        }
    }

    /// <summary>
    /// The high watermark the client last saw (from fetch responses, no request is made), or the
    /// one captured at start before any fetch, minus the position: the consumer's, or the client's
    /// when it is further (past a transaction marker that carried no message).
    /// </summary>
    private long Lag(TopicPartition partition, long consumedPosition, long replayEnd)
    {
        long high, position = consumedPosition;
        try
        {
            high = _client.GetWatermarkOffsets(partition).High.Value;
            var client = _client.Position(partition).Value;
            if (client > position)
            {
                position = client;
            }
        }
        catch (KafkaException)
        {
            high = -1;
        }

        return Math.Max(0, (high >= 0 ? high : replayEnd) - position);
    }

    private PartitionSet Publish()
    {
        var set = BuildSet(_set);
        Volatile.Write(ref _set, set);
        return set;
    }

    private PartitionSet BuildSet(PartitionSet? previous)
    {
        var counts = new Dictionary<TopicPartition, long>();
        for (var i = 0; previous is not null && i < previous.Partitions.Length; i++)
        {
            counts[previous.Partitions[i]] = Volatile.Read(ref previous.Consumed[i]);
        }

        var count = _engine.PartitionCount;
        var partitions = new TopicPartition[count];
        var tags = new KeyValuePair<string, object?>[count][];
        var pollTags = new KeyValuePair<string, object?>[count][];
        var consumed = new long[count];
        for (var i = 0; i < count; i++)
        {
            var spec = _engine.Partition(i);
            partitions[i] = new TopicPartition(spec.Topic, spec.Partition);
            tags[i] =
            [
                .. _common,
                new(MessagingAttributes.Destination, spec.Topic),
                new(MessagingAttributes.PartitionId, spec.Partition.ToString(CultureInfo.InvariantCulture)),
            ];
            pollTags[i] = [.. tags[i], new(MessagingAttributes.OperationName, MessagingAttributes.Poll)];
            consumed[i] = counts.GetValueOrDefault(partitions[i]);
        }

        return new PartitionSet(_engine.PartitionSetVersion, partitions, tags, pollTags, consumed);
    }
}
