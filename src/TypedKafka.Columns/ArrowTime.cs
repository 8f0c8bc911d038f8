namespace TypedKafka.Columns;

/// <summary>Conversions between .NET time types and Arrow's integer encodings.</summary>
internal static class ArrowTime
{
    public static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>Microseconds since the Unix epoch, rounded down, from ticks since 0001-01-01 (or of a duration when <paramref name="sinceEpoch"/> is false).</summary>
    public static long ToMicroseconds(long ticks, bool sinceEpoch = false)
    {
        if (sinceEpoch)
        {
            ticks -= DateTime.UnixEpoch.Ticks;
        }

        return Math.DivRem(ticks, TimeSpan.TicksPerMicrosecond, out var remainder) - (remainder < 0 ? 1 : 0);
    }

    public static DateTimeOffset ToDateTimeOffset(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    public static DateTime ToDateTime(long microseconds) =>
        DateTime.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    public static DateOnly ToDate(int days) => DateOnly.FromDayNumber(UnixEpochDayNumber + days);

    public static TimeSpan ToTimeSpan(long microseconds) => TimeSpan.FromTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    /// <summary>Exactly "yyyy-MM-dd", as System.Text.Json writes a DateOnly.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
