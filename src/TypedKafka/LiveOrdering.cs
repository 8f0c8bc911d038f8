namespace TypedKafka;

/// <summary>
/// How rows are ordered once replay is over (<see cref="ConsumerOptions.LiveOrdering"/>).
/// A closed hierarchy: match on the nested records.
/// </summary>
public abstract record LiveOrdering
{
    // Private so that the nested records below are the only orderings there are.
    private LiveOrdering()
    {
    }

    /// <summary>Live rows are released as they arrive, merged in timestamp order within one poll only. The default.</summary>
    public static LiveOrdering OnArrival { get; } = new Arrival();

    /// <summary>
    /// Live rows are held until every partition has delivered something at or past their
    /// timestamp, or until they have been held <paramref name="maxDelay"/> and every partition
    /// that has not is at its end: rows arriving within <paramref name="maxDelay"/> of each other
    /// come out in timestamp order across partitions. A row released after a later one is counted.
    /// </summary>
    public static LiveOrdering Hold(TimeSpan maxDelay)
    {
        if (maxDelay < TimeSpan.Zero || maxDelay.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), maxDelay, "maxDelay must be zero or more whole milliseconds.");
        }

        return new Held(maxDelay);
    }

    /// <summary>Rows released on arrival.</summary>
    public sealed record Arrival : LiveOrdering;

    /// <summary>Rows held up to <paramref name="MaxDelay"/> for order across partitions.</summary>
    public sealed record Held(TimeSpan MaxDelay) : LiveOrdering;
}
