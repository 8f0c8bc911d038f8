namespace TypedKafka.Windows;

/// <summary>What a <see cref="WindowAssembler"/> does with a message whose window was already handed over.</summary>
public enum LateMessagePolicy
{
    /// <summary>
    /// Put it in the window still open (or, if none is open, the one right after the last window
    /// handed over) and count it in <see cref="ClosedWindow.LateRows"/> and
    /// <see cref="WindowAssembler.LateMessageCount"/>. Its timestamp then lies before that window's start.
    /// </summary>
    NextOpenWindow,

    /// <summary>Throw an <see cref="InvalidOperationException"/>.</summary>
    Throw,
}

/// <summary>Tumbling event-time windows: fixed length, aligned to an origin (the Unix epoch by default).</summary>
public sealed record TumblingWindowOptions
{
    /// <summary>Options for windows of <paramref name="length"/> (at least one millisecond, whole milliseconds).</summary>
    public TumblingWindowOptions(TimeSpan length)
    {
        Length = length;
    }

    /// <summary>Window length; whole milliseconds, at least one (<see cref="IsValidLength"/>).</summary>
    public TimeSpan Length { get; init; }

    /// <summary>Whether <paramref name="length"/> can be a window's length: a whole number of milliseconds, at least one.</summary>
    public static bool IsValidLength(TimeSpan length) => length >= TimeSpan.FromMilliseconds(1) && length.Ticks % TimeSpan.TicksPerMillisecond == 0;

    /// <summary>Windows start at <c>Origin + k * Length</c>. Default: the Unix epoch.</summary>
    public DateTimeOffset Origin { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// In live mode, how long after a window's end (by wall-clock time) it is closed when no
    /// later message arrived. Default: 5 seconds.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Hand over windows without rows too (between windows with rows, never before the first). Default: false.</summary>
    public bool EmitEmptyWindows { get; init; }

    /// <summary>What to do with a message for a window already handed over. Default: <see cref="LateMessagePolicy.NextOpenWindow"/>.</summary>
    public LateMessagePolicy LatePolicy { get; init; } = LateMessagePolicy.NextOpenWindow;

    /// <summary>Wall clock for the live idle close. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
