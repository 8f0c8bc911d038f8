using System;
using System.Globalization;
using System.Text;

namespace TypedKafka.Generators.Analyzers;

/// <summary>How values appear in diagnostic messages: short, invariant, one line.</summary>
internal static class Format
{
    private const int MaxShownNameLength = 60;

    /// <summary>A duration in the largest unit that keeps it readable: "-2 hours", "400 days", "1.5 seconds".</summary>
    public static string Duration(double milliseconds)
    {
        var magnitude = Math.Abs(milliseconds);
        var (amount, unit) = magnitude switch
        {
            >= 86_400_000 => (milliseconds / 86_400_000, "day"),
            >= 3_600_000 => (milliseconds / 3_600_000, "hour"),
            >= 60_000 => (milliseconds / 60_000, "minute"),
            >= 1_000 => (milliseconds / 1_000, "second"),
            _ => (milliseconds, "millisecond"),
        };
        var number = amount.ToString("0.###", CultureInfo.InvariantCulture);
        return number is "1" or "-1" ? number + " " + unit : number + " " + unit + "s";
    }

    /// <summary>A Unix time in milliseconds as an ISO 8601 UTC instant, or a plain number beyond DateTimeOffset's range.</summary>
    public static string Instant(long unixMilliseconds)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            return unixMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms";
        }
    }

    /// <summary>A user string shown inside quotes: control characters escaped, long values cut.</summary>
    public static string Text(string value)
    {
        var shown = value.Length > MaxShownNameLength ? value.Substring(0, MaxShownNameLength - 3) : value;
        var text = new StringBuilder(shown.Length + 3);
        foreach (var c in shown)
        {
            if (char.IsControl(c))
            {
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return value.Length > MaxShownNameLength ? text.Append("...").ToString() : text.ToString();
    }

    /// <summary>A character named so that it can be seen: "' '" is "a space".</summary>
    public static string Character(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
        _ => "'" + c + "'",
    };
}
