namespace TypedKafka.Kafka.Native;

/// <summary>
/// Messages a batch took ahead of a pause. The client drops what it prefetched for a partition when
/// it is paused and fetches again after the resume, from after the last message it handed out; a
/// batch has handed out more than the engine has seen, so those messages wait here (parked) and go
/// out first after the resume (resumed), each partition's in offset order. The engine drops an offset
/// at or below the last it took as a redelivery, so handing out an older message after a newer one of
/// the same partition would lose it: every rule here keeps each partition's order.
/// </summary>
/// <typeparam name="T">A message.</typeparam>
/// <param name="partitionOf">The partition a message is of.</param>
internal sealed class ParkedMessages<T>(Func<T, (string? Topic, int Partition)> partitionOf)
{
    private readonly Queue<T> _resumed = new();
    private readonly List<T> _parked = [];
    private readonly HashSet<(string? Topic, int Partition)> _paused = [];

    /// <summary>The next message of a resumed partition, which goes out before anything newer that was taken.</summary>
    public bool TryTakeResumed(out T message) => _resumed.TryDequeue(out message!);

    /// <summary>Keeps <paramref name="message"/> here when its partition is paused.</summary>
    public bool TryPark(T message)
    {
        if (_paused.Count == 0 || !_paused.Contains(partitionOf(message)))
        {
            return false;
        }

        _parked.Add(message);
        return true;
    }

    public void Pause((string? Topic, int Partition) partition)
    {
        if (!_paused.Add(partition))
        {
            return;
        }

        // Its messages still waiting from its last resume are the oldest of it here: park them now, in
        // order, ahead of any of it parked later (left queued, they would go out after newer ones that
        // a poll ending half-way parked meanwhile).
        for (var waiting = _resumed.Count; waiting > 0; waiting--)
        {
            var message = _resumed.Dequeue();
            if (partitionOf(message) == partition)
            {
                _parked.Add(message);
            }
            else
            {
                _resumed.Enqueue(message);
            }
        }
    }

    public void Resume((string? Topic, int Partition) partition)
    {
        if (!_paused.Remove(partition))
        {
            return;
        }

        _parked.RemoveAll(message =>
        {
            if (partitionOf(message) != partition)
            {
                return false;
            }

            _resumed.Enqueue(message);
            return true;
        });
    }

    /// <summary>Drops, through <paramref name="drop"/>, the messages of partitions no longer <paramref name="held"/>.</summary>
    public void Retain(Func<string?, int, bool> held, Action<T> drop)
    {
        _paused.RemoveWhere(p => !held(p.Topic, p.Partition));
        for (var waiting = _resumed.Count; waiting > 0; waiting--)
        {
            var message = _resumed.Dequeue();
            var (topic, partition) = partitionOf(message);
            if (held(topic, partition))
            {
                _resumed.Enqueue(message);
            }
            else
            {
                drop(message);
            }
        }

        _parked.RemoveAll(message =>
        {
            var (topic, partition) = partitionOf(message);
            if (held(topic, partition))
            {
                return false;
            }

            drop(message);
            return true;
        });
    }

    /// <summary>Hands every message kept here to <paramref name="drop"/> and forgets them.</summary>
    public void Clear(Action<T> drop)
    {
        while (_resumed.TryDequeue(out var message))
        {
            drop(message);
        }

        _parked.ForEach(drop);
        _parked.Clear();
        _paused.Clear();
    }
}
