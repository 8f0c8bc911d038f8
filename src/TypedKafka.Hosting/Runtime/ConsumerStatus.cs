using System.Collections.Concurrent;
using Apache.Arrow;

namespace TypedKafka.Hosting.Runtime;

internal enum ConsumerPhase
{
    Starting,
    Replaying,
    Live,
    Stopped,
    Failed,

    /// <summary>A bounded consumer (Until) handled everything before its end and stopped.</summary>
    Complete,
}

/// <summary>
/// What the poll thread last saw of one consumer; read by metrics and the health check from
/// other threads, so it holds copies and never the (single-threaded) consumer itself.
/// </summary>
internal sealed class ConsumerStatus(string name)
{
    private long _consumed;
    private long _released;

    public string Name { get; } = name;

    public volatile ConsumerPhase Phase;

    public volatile string? FailureReason;

    public int HeldMessages;

    public long HeldBytes;

    public int PausedPartitions;

    /// <summary>Share of the replay ranges released, 0 to 1.</summary>
    public double ReplayProgress;

    /// <summary>Rows released after a row with a later timestamp (partition state's <c>out_of_order_releases</c>).</summary>
    public long OutOfOrderReleases;

    /// <summary>Messages deleted from the log before they were read (partition state's <c>lost_messages</c>).</summary>
    public long LostMessages;

    /// <summary>Partitions read now: in a consumer group, those this instance holds (0 is idle, not blocked).</summary>
    public int Partitions;

    /// <summary>Partitions left out of the watermark by the idle timeout now.</summary>
    public int IdlePartitions;

    // Which partitions the last update saw idle, so that the poll thread can log each change once.
    private HashSet<string> _idle = [];

    public long Consumed => Interlocked.Read(ref _consumed);

    public long Released => Interlocked.Read(ref _released);

    public void AddReleased(long count) => Interlocked.Add(ref _released, count);

    /// <summary>Copies the counters out of one <see cref="Schemas.PartitionState"/> batch.</summary>
    /// <returns>Partitions that turned idle (<c>topic[partition]: reason</c>) and those that came back, since the last update.</returns>
    public (List<string> NowIdle, List<string> Back) Update(RecordBatch partitionState, bool isLive, int pausedPartitions)
    {
        var rows = PartitionStatus.Read(partitionState);
        long consumed = 0, replayTotal = 0, replayDone = 0, bytes = 0, late = 0, gone = 0;
        var messages = 0;
        var idle = new HashSet<string>(StringComparer.Ordinal);
        var nowIdle = new List<string>();
        foreach (var row in rows)
        {
            late += row.OutOfOrderReleases;
            gone += row.LostMessages;
            if (row.Blocking is { } reason && reason.StartsWith("idle since", StringComparison.Ordinal))
            {
                var where = $"{row.Topic}[{row.Partition}]";
                idle.Add(where);
                if (!_idle.Contains(where))
                {
                    nowIdle.Add($"{where}: {reason}");
                }
            }

            var first = row.ReplayStartOffset;
            var range = Math.Max(0, row.ReplayEndOffset - first);
            consumed += Math.Max(0, row.ConsumedOffset + 1 - first);
            replayTotal += range;
            replayDone += Math.Clamp(row.ReleasedOffset + 1 - first, 0, range);
            messages += row.HeldMessages;
            bytes += row.HeldBytes;
        }

        Interlocked.Exchange(ref _consumed, consumed);
        Volatile.Write(ref HeldMessages, messages);
        Interlocked.Exchange(ref HeldBytes, bytes);
        Volatile.Write(ref PausedPartitions, pausedPartitions);
        Interlocked.Exchange(ref ReplayProgress, isLive || replayTotal == 0 ? 1.0 : (double)replayDone / replayTotal);
        Interlocked.Exchange(ref OutOfOrderReleases, late);
        Interlocked.Exchange(ref LostMessages, gone);
        Volatile.Write(ref IdlePartitions, idle.Count);
        Volatile.Write(ref Partitions, rows.Count);
        var back = _idle.Where(p => !idle.Contains(p)).ToList();
        _idle = idle;
        if (Phase is ConsumerPhase.Starting or ConsumerPhase.Replaying)
        {
            Phase = isLive ? ConsumerPhase.Live : ConsumerPhase.Replaying;
        }

        return (nowIdle, back);
    }
}

/// <summary>The status of every consumer of the host, by name.</summary>
internal sealed class ConsumerRegistry
{
    private readonly ConcurrentDictionary<string, ConsumerStatus> _statuses = new(StringComparer.OrdinalIgnoreCase);

    public ConsumerStatus Register(string name) => _statuses.GetOrAdd(name, n => new ConsumerStatus(n));

    private readonly Lock _completion = new();

    public ICollection<ConsumerStatus> All => _statuses.Values;

    /// <summary>Marks a bounded consumer complete; true when that makes every consumer of the host complete.</summary>
    public bool Complete(ConsumerStatus status)
    {
        // Under a lock: two consumers completing at once must not both miss that the other is done.
        lock (_completion)
        {
            status.Phase = ConsumerPhase.Complete;
            return _statuses.Values.All(s => s.Phase == ConsumerPhase.Complete);
        }
    }
}
