namespace TypedKafka;

/// <summary>
/// How fast history is replayed (<see cref="ConsumerOptions.Pace"/>). A closed hierarchy: match on the nested records.
/// </summary>
public abstract record ReplayPace
{
    // Private so that the nested records below are the only paces there are.
    private ReplayPace()
    {
    }

    /// <summary>As fast as it can be read. The default.</summary>
    public static ReplayPace Unpaced { get; } = new AsFastAsRead();

    /// <summary>
    /// At the recorded pace, <paramref name="speed"/> times faster: a replayed row is released no
    /// earlier than its timestamp's distance from the first replayed row's, divided by
    /// <paramref name="speed"/>, after the first was released (1 = as recorded, 10 = ten times faster).
    /// </summary>
    public static ReplayPace Recorded(double speed)
    {
        if (!(speed > 0 && double.IsFinite(speed)))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be positive and finite, e.g. 1 (as recorded) or 10 (ten times faster).");
        }

        return new AtRecordedPace(speed);
    }

    /// <summary>Replayed rows are released as fast as they can be read.</summary>
    public sealed record AsFastAsRead : ReplayPace;

    /// <summary>Replayed rows are released at the recorded pace times <paramref name="Speed"/>.</summary>
    public sealed record AtRecordedPace(double Speed) : ReplayPace;
}
