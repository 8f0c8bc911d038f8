using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>
/// A <see cref="ConsumerManager"/>'s membership of a consumer group (<see cref="ConsumerOptions.ConsumerGroup"/>):
/// subscribes with the cooperative-sticky assignor and turns the client's rebalance callbacks into
/// the engine's inputs. The callbacks run inside the client's Consume (on the polling thread) or
/// Close (in Dispose, once no poll is inside), so the engine is never touched from two threads.
/// </summary>
internal sealed class GroupMembership : IDisposable
{
    private const string CooperativeSticky = "cooperative-sticky";

    private readonly string _group;
    private readonly IReadOnlyList<SourceTopic> _topics;
    private readonly ReplayEnd? _until;
    private readonly TimeProvider _clock;
    private readonly ILogger? _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly ConsumerConfig _settings;
    private readonly Action<IReadOnlyList<TopicPartition>>? _revoked;
    private IConsumer<StagedBytes, StagedBytes>? _consumer;
    private IAdminClient? _admin;
    private OrderedMergeEngine? _engine;
    private Action? _changed;

    public GroupMembership(string group, IReadOnlyList<SourceTopic> topics, ConsumerOptions options, ConsumerConfig settings, TimeSpan requestTimeout)
    {
        _group = group;
        _topics = topics;
        _until = options.Until;
        _clock = options.TimeProvider;
        _logger = options.Logger;
        _settings = settings;
        _requestTimeout = requestTimeout;
        _revoked = options.OnPartitionsRevoked;
    }

    /// <summary>
    /// Set once the user commits (<see cref="ConsumerManager.CommitReleased"/>): from then on a revoked
    /// partition's released offsets are committed before it goes, as CommitReleased would. A consumer
    /// that never commits does not start to on a rebalance.
    /// </summary>
    public bool CommitsOn { get; set; }

    /// <summary>
    /// Set by Dispose once it has committed what was released: the revocation that Close runs then
    /// commits nothing. A synchronous commit inside the revocation callback of Close hung librdkafka's
    /// close (measured on the embedded brokers, with the group rebalancing); the offsets are the same.
    /// </summary>
    public bool Closing { get; set; }

    /// <summary>Partitions gained, revoked and lost since the start, and rows dropped with revoked or lost partitions.</summary>
    public long Gained { get; private set; }

    public long Revoked { get; private set; }

    public long Lost { get; private set; }

    /// <summary>Commits at revocation that failed: the rows released since the last commit will be read again by the next owner.</summary>
    public long FailedRevocationCommits { get; private set; }

    /// <summary>The user's commits that met a rebalance (<see cref="IsRebalanceError"/>) and were not sent.</summary>
    public long FailedCommits { get; private set; }

    /// <summary>
    /// Errors a commit meets while the group rebalances or after it moved on without this member: the
    /// brokers refuse the commit, not the offsets, and the member rejoins by itself.
    /// </summary>
    public static bool IsRebalanceError(ErrorCode code) =>
        code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId;

    /// <summary>
    /// A user's commit refused by a rebalance: counted and logged, not thrown. Every commit names all
    /// the offsets it covers, so the next one (or the revocation's) carries these too; if none goes
    /// through, the next owner reads again from the last commit (docs/scaling.md, commit rule 4).
    /// </summary>
    public void CommitFailed(IEnumerable<TopicPartitionOffset> offsets, KafkaException error)
    {
        FailedCommits++;
        if (_logger is not null)
        {
            ConsumerLog.CommitFailedInRebalance(_logger, error, _group, Describe(offsets.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value))), error.Error.Reason);
        }
    }

    /// <summary>
    /// Makes the client a member of <paramref name="group"/> with the cooperative-sticky assignor. A
    /// <c>group.id</c> or <c>partition.assignment.strategy</c> in the config that says otherwise is
    /// refused, naming the key: two answers to one question would leave one silently ignored.
    /// </summary>
    public static void Configure(ConsumerConfig settings, IReadOnlyDictionary<string, string> config, string group)
    {
        if (config.TryGetValue("group.id", out var configured) && !string.Equals(configured, group, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'group.id' = '{configured}' differs from ConsumerOptions.ConsumerGroup '{group}': leave group.id out, or give the same group.",
                nameof(config));
        }

        if (config.TryGetValue("partition.assignment.strategy", out var strategy) && !string.Equals(strategy.Trim(), CooperativeSticky, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'partition.assignment.strategy' = '{strategy}': a TypedKafka consumer group uses {CooperativeSticky}, whose rebalances move only the partitions that change owner; leave the setting out.",
                nameof(config));
        }

        settings.GroupId = group;
        settings.Set("partition.assignment.strategy", CooperativeSticky);
    }

    public ConsumerBuilder<StagedBytes, StagedBytes> Attach(ConsumerBuilder<StagedBytes, StagedBytes> builder) => builder
        .SetPartitionsAssignedHandler(OnAssigned)
        .SetPartitionsRevokedHandler(OnRevoked)
        .SetPartitionsLostHandler(OnLost);

    /// <summary>Joins the group; partitions come with the first rebalance, inside a later Consume.</summary>
    /// <param name="consumer">The client, built with <see cref="Attach"/>'s callbacks.</param>
    /// <param name="engine">The engine the callbacks add partitions to and remove them from.</param>
    /// <param name="changed">Called after the engine's partitions changed, so that the consumer maps messages to the new indexes.</param>
    public void Start(IConsumer<StagedBytes, StagedBytes> consumer, OrderedMergeEngine engine, Action changed)
    {
        _consumer = consumer;
        _engine = engine;
        _changed = changed;
        _admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        consumer.Subscribe(_topics.Select(t => t.Name));
    }

    /// <summary>
    /// Moves one held partition's position after the log lost what it was to read. A subscribed
    /// consumer may not Assign: the partition is unassigned and assigned again, incrementally,
    /// and paused again if the engine holds it paused.
    /// </summary>
    public void Reposition(TopicPartition partition, long offset, bool paused)
    {
        _consumer!.IncrementalUnassign([partition]);
        _consumer.IncrementalAssign([new TopicPartitionOffset(partition, offset)]);
        if (paused)
        {
            _consumer.Pause([partition]);
        }
    }

    public void Dispose() => _admin?.Dispose();

    /// <summary>
    /// New partitions: each starts at the group's committed offset, else by its topic's policy, and
    /// its replay end is captured now. The offsets returned are where the client starts fetching.
    /// </summary>
    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<StagedBytes, StagedBytes> consumer, List<TopicPartition> partitions)
    {
        try
        {
            return Assign(consumer, partitions);
        }
        catch (Exception e) when (e is KafkaException or ArgumentException)
        {
            // The client would go on without these partitions while the engine may hold some of them:
            // the member cannot read its assignment, so every later poll fails, naming why.
            Failure ??= new KafkaException(new Error(
                e is KafkaException k ? k.Error.Code : ErrorCode.Local_Fail,
                $"Consumer group {_group}: could not take in the assigned partitions {string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]"))}: {e.Message}"),
                e);
            throw Failure;
        }
    }

    /// <summary>Why taking in an assignment failed; set once, then every poll throws it.</summary>
    public KafkaException? Failure { get; private set; }

    private List<TopicPartitionOffset> Assign(IConsumer<StagedBytes, StagedBytes> consumer, List<TopicPartition> partitions)
    {
        var engine = _engine!;
        var source = new KafkaOffsetSource(consumer, _admin!, _requestTimeout, _settings);
        var now = _clock.GetUtcNow();
        var starts = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var byTopic in partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
        {
            var topic = _topics.First(t => t.Name == byTopic.Key);
            var fresh = byTopic.Where(p => !engine.Holds(p.Topic, p.Partition.Value)).Select(p => p.Partition.Value).Order().ToList();
            if (fresh.Count == 0)
            {
                continue;
            }

            var specs = ReplayBounds.Apply(OffsetResolver.ResolvePartitions(topic, fresh, source, now, committedFirst: true), _until, now, some: true);
            foreach (var spec in specs)
            {
                engine.AddPartition(spec);
                starts.Add(new TopicPartitionOffset(spec.Topic, spec.Partition, spec.StartOffset));
                Gained++;
            }
        }

        _changed!();
        if (_logger is not null && starts.Count > 0)
        {
            var gained = Describe(starts.Select(s => (s.Topic, s.Partition.Value, s.Offset.Value)));
            ConsumerLog.PartitionsGained(_logger, _group, gained, engine.PartitionCount);
        }

        return starts;
    }

    /// <summary>
    /// Partitions handed to another member in an orderly rebalance (or at Close): released offsets
    /// are committed first when commits are on, then the held rows are dropped; the next owner reads
    /// them from the committed offset.
    /// </summary>
    private void OnRevoked(IConsumer<StagedBytes, StagedBytes> consumer, List<TopicPartitionOffset> partitions)
    {
        var engine = _engine!;
        var held = partitions.Where(p => engine.Holds(p.Topic, p.Partition.Value)).ToList();
        var commit = new List<TopicPartitionOffset>();
        if (CommitsOn && !Closing)
        {
            foreach (var partition in held)
            {
                var index = engine.IndexOf(partition.Topic, partition.Partition.Value);
                var released = engine.ReleasedOffset(index);
                if (released >= engine.Partition(index).StartOffset)
                {
                    commit.Add(new TopicPartitionOffset(partition.TopicPartition, released + 1));
                }
            }

            if (commit.Count > 0)
            {
                try
                {
                    consumer.Commit(commit);
                }
                catch (KafkaException e)
                {
                    // The next owner reads again from the last commit that went through: counted and logged, never silent.
                    FailedRevocationCommits++;
                    if (_logger is not null)
                    {
                        var offsets = Describe(commit.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value)));
                        ConsumerLog.RevocationCommitFailed(_logger, e, _group, offsets, e.Error.Reason);
                    }

                    commit.Clear();
                }
            }
        }

        var dropped = Remove(held);
        Revoked += held.Count;
        Notify(held);
        if (_logger is not null && held.Count > 0)
        {
            var revoked = string.Join(", ", held.Select(p => $"{p.Topic}[{p.Partition.Value}]"));
            var committed = commit.Count == 0 ? "nothing" : Describe(commit.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value)));
            ConsumerLog.PartitionsRevoked(_logger, _group, revoked, committed, dropped, engine.PartitionCount);
        }
    }

    /// <summary>
    /// Partitions taken away without an orderly handover (the session timed out, or the member
    /// missed max.poll.interval.ms): another member may be reading them already, so nothing is
    /// committed for them; the held rows are dropped.
    /// </summary>
    private void OnLost(IConsumer<StagedBytes, StagedBytes> consumer, List<TopicPartitionOffset> partitions)
    {
        var held = partitions.Where(p => _engine!.Holds(p.Topic, p.Partition.Value)).ToList();
        var dropped = Remove(held);
        Lost += held.Count;
        Notify(held);
        if (_logger is not null && held.Count > 0)
        {
            var lost = string.Join(", ", held.Select(p => $"{p.Topic}[{p.Partition.Value}]"));
            ConsumerLog.PartitionsLost(_logger, _group, lost, dropped, _engine!.PartitionCount);
        }
    }

    /// <summary>Before Close: commits the released offsets of every partition held, when commits are on, as the revocation would; failures are logged, never thrown (Dispose does not throw).</summary>
    public void CommitBeforeClose()
    {
        Closing = true;
        var engine = _engine;
        if (!CommitsOn || engine is null || _consumer is null)
        {
            return;
        }

        var commit = new List<TopicPartitionOffset>();
        for (var i = 0; i < engine.PartitionCount; i++)
        {
            var spec = engine.Partition(i);
            if (engine.ReleasedOffset(i) >= spec.StartOffset)
            {
                commit.Add(new TopicPartitionOffset(spec.Topic, spec.Partition, engine.ReleasedOffset(i) + 1));
            }
        }

        if (commit.Count == 0)
        {
            return;
        }

        try
        {
            _consumer.Commit(commit);
        }
        catch (KafkaException e)
        {
            FailedRevocationCommits++;
            if (_logger is not null)
            {
                var offsets = Describe(commit.Select(c => (c.Topic, c.Partition.Value, c.Offset.Value)));
                ConsumerLog.RevocationCommitFailed(_logger, e, _group, offsets, e.Error.Reason);
            }
        }
    }

    /// <summary>
    /// Leaves the group before Close: unsubscribes and serves the revocation until nothing is assigned
    /// (or <paramref name="patience"/> passes). librdkafka's close can hang when a cooperative rebalance
    /// is served inside it (librdkafka issue 4527; seen here as Close stuck in IncrementalUnassign
    /// inside its revocation callback); with nothing assigned, Close has no rebalance left to serve.
    /// Messages fetched meanwhile are not handed to the engine: nothing past what was released is committed.
    /// </summary>
    public void LeaveBeforeClose(TimeSpan patience)
    {
        if (_consumer is null)
        {
            return;
        }

        _consumer.Unsubscribe();
        var deadline = DateTime.UtcNow + patience;
        while (_consumer.Assignment.Count > 0 && DateTime.UtcNow < deadline)
        {
            try
            {
                _consumer.Consume(50);
            }
            catch (ConsumeException)
            {
                // Leaving: an error on a partition being let go no longer matters.
            }
        }
    }

    /// <summary>Tells the user (<see cref="ConsumerOptions.OnPartitionsRevoked"/>) which held partitions went; not while closing.</summary>
    private void Notify(List<TopicPartitionOffset> gone)
    {
        if (_revoked is null || gone.Count == 0 || Closing)
        {
            return;
        }

        try
        {
            _revoked([.. gone.Select(p => p.TopicPartition)]);
        }
        catch (Exception e)
        {
            // Thrown back through the client's callback it would surface from an arbitrary later call;
            // kept, it fails every poll from now on, naming the partitions.
            var partitions = string.Join(", ", gone.Select(p => $"{p.Topic}[{p.Partition.Value}]"));
            Failure ??= new KafkaException(new Error(ErrorCode.Local_Fail, $"Consumer group {_group}: the OnPartitionsRevoked callback failed for {partitions}: {e.Message}"), e);
        }
    }

    private int Remove(List<TopicPartitionOffset> partitions)
    {
        var dropped = 0;
        foreach (var partition in partitions)
        {
            dropped += _engine!.RemovePartition(partition.Topic, partition.Partition.Value).DroppedMessages;
        }

        _changed!();
        return dropped;
    }

    private static string Describe(IEnumerable<(string Topic, int Partition, long Offset)> offsets) =>
        string.Join(", ", offsets.Select(o => $"{o.Topic}[{o.Partition}]@{o.Offset}"));
}
