using System.Globalization;

namespace TypedKafka;

/// <summary>
/// Times given as text, one syntax wherever they are given: the <c>relative_time</c> and
/// <c>absolute_time</c> policies of <see cref="SourceTopic.Parse(string)"/>, the command line's
/// <c>--cutoff</c> and <c>--until</c>, and the hosting settings.
/// </summary>
public static class TimeArgument
{
    // 10,000 years: a longer duration reaches before 1970 from any now, and below it TimeSpan cannot overflow.
    private const long MaxDurationMs = 10_000L * 365 * 86_400_000;

    /// <summary>The forms <see cref="ParseInstant"/> accepts, for help texts and error messages.</summary>
    public const string InstantForms =
        "Unix milliseconds, an ISO 8601 instant such as 2026-12-01T08:00:00Z, a duration back from now such as 90s, 15m, 1h or 2d (also written -1h; +1h is ahead of now), or 'now'";

    /// <summary>The forms <see cref="ParseLookback"/> accepts.</summary>
    public const string LookbackForms = "milliseconds, or a duration such as 90s, 15m, 1h or 2d";

    /// <summary>
    /// An instant: <c>now</c>; Unix milliseconds (<c>1767225600000</c>); an ISO 8601 instant
    /// (<c>2026-01-01T00:00:00Z</c>, UTC unless it says otherwise); or a duration relative to now,
    /// <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c> (also <c>ms</c>), which means that long
    /// <em>before</em> now, as does <c>-1h</c>; <c>+1h</c> is that long after now.
    /// A number that reads as a plausible Unix time in seconds is refused: as milliseconds it would be early 1970.
    /// </summary>
    /// <param name="text">The text as given.</param>
    /// <param name="clock">What "now" is; default: the system clock.</param>
    /// <exception cref="FormatException">The text is none of these; the message says why and what was expected.</exception>
    public static DateTimeOffset ParseInstant(string text, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var trimmed = text.Trim();
        if (trimmed.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            return now;
        }

        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms < 0)
            {
                throw new FormatException($"'{text}' is before 1970-01-01: a time in Unix milliseconds is 0 or more (for a time before now, write a duration such as -1h).");
            }

            if (UnixTimeUnits.LooksLikeSeconds(ms))
            {
                throw new FormatException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"'{text}' looks like Unix seconds ({DateTimeOffset.FromUnixTimeSeconds(ms):yyyy-MM-ddTHH:mm:ssZ}); as milliseconds it is {DateTimeOffset.FromUnixTimeMilliseconds(ms):yyyy-MM-ddTHH:mm:ss.fffZ}. Times are Unix milliseconds: write {ms}000, or an ISO 8601 instant."));
            }

            return DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ms, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
        }

        var sign = trimmed.Length > 0 && trimmed[0] is '+' or '-' ? trimmed[0] : ' ';
        if (TryParseDuration(sign == ' ' ? trimmed : trimmed[1..], out var duration))
        {
            var instant = sign == '+' ? now + duration : now - duration;
            return instant.ToUnixTimeMilliseconds() >= 0 ? instant
                : throw new FormatException($"'{text}' is before 1970-01-01: {duration.TotalDays:0} days back from now.");
        }

        // Only what starts like yyyy-MM-dd: DateTimeOffset.TryParse alone would take "12/01/2026" and guess its order.
        if (trimmed.Length >= 10 && char.IsAsciiDigit(trimmed[0]) && trimmed[4] == '-'
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso))
        {
            return iso.ToUnixTimeMilliseconds() >= 0 ? iso : throw new FormatException($"'{text}' is before 1970-01-01, where Kafka timestamps begin.");
        }

        throw new FormatException($"'{text}' is not a time: expected {InstantForms}.");
    }

    /// <summary>
    /// The end of a bounded read (<see cref="ConsumerOptions.Until"/>) given as text: <c>end</c>
    /// (<see cref="ReplayEnd.EndOffsets"/>) or a time, exclusive, in any form of <see cref="ParseInstant"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is neither; the message says why and what was expected.</exception>
    public static ReplayEnd ParseUntil(string text, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().Equals("end", StringComparison.OrdinalIgnoreCase) ? ReplayEnd.EndOffsets : ReplayEnd.At(ParseInstant(text, clock));
    }

    /// <summary>
    /// A length of time back from now, for the <c>relative_time</c> policy: whole milliseconds
    /// (<c>3600000</c>) or a duration (<c>90s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>, <c>500ms</c>).
    /// A leading minus is kept, so that validation reports the negative look-back.
    /// </summary>
    /// <exception cref="FormatException">The text is neither; the message says what was expected.</exception>
    public static TimeSpan ParseLookback(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) && ms is >= -MaxDurationMs and <= MaxDurationMs)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        var negative = trimmed.StartsWith('-');
        if (TryParseDuration(negative ? trimmed[1..] : trimmed, out var duration))
        {
            return negative ? -duration : duration;
        }

        throw new FormatException($"'{text}' is not a look-back: expected {LookbackForms}.");
    }

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        long? unitMs = text[digits..] switch
        {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => null,
        };
        if (unitMs is not { } unit || value > MaxDurationMs / unit)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * unit);
        return true;
    }
}
