using System.Collections.Concurrent;

namespace TypedKafka.IntegrationTests;

/// <summary>One release or one commit that went through, in the order the whole test saw them.</summary>
public sealed record GroupEvent(long Sequence, string Member, int Partition, long Offset, bool IsCommit, long TimestampMs = 0);

/// <summary>Everything released and committed by the members of one consumer group, in one global order.</summary>
public sealed class GroupLedger
{
    private readonly ConcurrentQueue<GroupEvent> _events = new();
    private long _sequence;

    public IReadOnlyList<GroupEvent> Events => [.. _events.OrderBy(e => e.Sequence)];

    public void Released(string member, IEnumerable<ReleasedRow> rows)
    {
        foreach (var row in rows)
        {
            _events.Enqueue(new GroupEvent(Interlocked.Increment(ref _sequence), member, row.Partition, row.Offset, IsCommit: false, row.TimestampMs));
        }
    }

    public void Committed(string member, int partition, long nextOffset) =>
        _events.Enqueue(new GroupEvent(Interlocked.Increment(ref _sequence), member, partition, nextOffset, IsCommit: true));

    public int DistinctReleased => _events.Where(e => !e.IsCommit).Select(e => (e.Partition, e.Offset)).Distinct().Count();

    /// <summary>What the test reports and asserts: rows never released, rows released again after a commit covered them, and all repeats.</summary>
    public GroupCounts Count(IReadOnlyDictionary<int, long> producedPerPartition)
    {
        var events = Events;
        var committed = new Dictionary<int, long>();
        var seen = new HashSet<(int, long)>();
        long duplicates = 0, duplicatesAfterCommit = 0;
        foreach (var e in events)
        {
            if (e.IsCommit)
            {
                committed[e.Partition] = Math.Max(committed.GetValueOrDefault(e.Partition), e.Offset);
                continue;
            }

            if (!seen.Add((e.Partition, e.Offset)))
            {
                duplicates++;
                duplicatesAfterCommit += e.Offset < committed.GetValueOrDefault(e.Partition) ? 1 : 0;
            }
        }

        var lost = producedPerPartition.Sum(p => Enumerable.Range(0, (int)p.Value).LongCount(o => !seen.Contains((p.Key, o))));
        var perMember = events.Where(e => !e.IsCommit).GroupBy(e => e.Member).ToDictionary(g => g.Key, g => (long)g.Count());
        return new GroupCounts(producedPerPartition.Values.Sum(), perMember, duplicates, duplicatesAfterCommit, lost);
    }
}

public sealed record GroupCounts(long Produced, IReadOnlyDictionary<string, long> ReleasedPerMember, long Duplicates, long DuplicatesAfterCommit, long Lost)
{
    public override string ToString() =>
        $"produced {Produced}, released per instance {string.Join(", ", ReleasedPerMember.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value}"))}, " +
        $"duplicates {Duplicates} (after a commit covered them: {DuplicatesAfterCommit}), lost {Lost}";
}

/// <summary>
/// One instance of a consumer group, polling on its own thread as a service would: it records
/// each batch in the ledger, commits what it released (CommitReleased) after every poll, and
/// records the commits that went through. It can stop for good or stop polling for a while.
/// </summary>
public sealed class GroupMember : IDisposable
{
    private readonly ConsumerManager _manager;
    private readonly GroupLedger _ledger;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _running = new(true);
    private readonly ManualResetEventSlim _stalled = new(false);
    private volatile bool _stop;
    private int _polls;

    public GroupMember(string name, IReadOnlyDictionary<string, string> config, IEnumerable<SourceTopic> topics, ConsumerOptions options, GroupLedger ledger)
    {
        Name = name;
        _ledger = ledger;
        _manager = new ConsumerManager(config, topics, options);
        _thread = new Thread(Run) { IsBackground = true, Name = $"group member {name}" };
        _thread.Start();
    }

    public string Name { get; }

    public Exception? Failure { get; private set; }

    /// <summary>Commits that failed (the member was fenced, or a rebalance was in progress): their rows may be read again.</summary>
    public int FailedCommits { get; private set; }

    public int PartitionCount { get; private set; }

    public int Polls => Volatile.Read(ref _polls);

    /// <summary>Batches whose rows were not in timestamp order (each poll's rows are merged in order).</summary>
    public int UnorderedBatches { get; private set; }

    /// <summary>Rows of a partition released at or below an offset this member released before (while it kept the partition).</summary>
    public int OffsetRegressions { get; private set; }

    /// <summary>Stops polling (the member's session or poll interval then runs out), until <see cref="Resume"/>; returns once it has stopped.</summary>
    public void Stall()
    {
        _running.Reset();
        Assert.True(_stalled.Wait(Replay.Patience), $"{Name} did not stop polling.");
    }

    public void Resume()
    {
        _stalled.Reset();
        _running.Set();
    }

    /// <summary>Stops polling and leaves the group (Close: released offsets of its partitions are committed at revocation).</summary>
    public void Dispose()
    {
        _stop = true;
        _running.Set();
        _thread.Join();
        _manager.Dispose();
        _running.Dispose();
        _stalled.Dispose();
    }

    private void Run()
    {
        var last = new Dictionary<int, long>();
        try
        {
            while (!_stop)
            {
                if (!_running.IsSet)
                {
                    _stalled.Set();
                    _running.Wait();
                    continue;
                }

                List<ReleasedRow> rows;
                using (var batch = _manager.Poll(100))
                {
                    rows = Replay.Rows(batch);
                }

                Interlocked.Increment(ref _polls);
                PartitionCount = _manager.PartitionCount;
                _ledger.Released(Name, rows);
                UnorderedBatches += rows.Zip(rows.Skip(1)).Any(p => p.Second.TimestampMs < p.First.TimestampMs) ? 1 : 0;
                foreach (var row in rows)
                {
                    OffsetRegressions += last.TryGetValue(row.Partition, out var previous) && row.Offset <= previous ? 1 : 0;
                    last[row.Partition] = row.Offset;
                }

                if (rows.Count == 0)
                {
                    continue;
                }

                if (!_manager.CommitReleased())
                {
                    // Refused by a rebalance: only commits that went through go in the ledger.
                    FailedCommits++;
                    continue;
                }

                foreach (var partition in rows.GroupBy(r => r.Partition))
                {
                    _ledger.Committed(Name, partition.Key, partition.Max(r => r.Offset) + 1);
                }
            }
        }
        catch (Exception e)
        {
            Failure = e;
            _stalled.Set();
        }
    }
}
