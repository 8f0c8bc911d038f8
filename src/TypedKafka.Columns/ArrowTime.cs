namespace TypedKafka.Columns;

/// <summary>Conversions between .NET time types and Arrow's integer encodings.</summary>
internal static class ArrowTime
{
    // Days before each month, and the year's length last.
    private static readonly int[] DaysToMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    private static readonly int[] LeapDaysToMonth = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

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
        if (text.Length != 10 || !TryReadDate(text, out var year, out var month, out var day))
        {
            date = default;
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>
    /// The UTC ticks of "yyyy-MM-ddTHH:mm:ss", with up to seven fraction digits and then "Z",
    /// "+HH:mm", "-HH:mm" or nothing (then the clock time is taken as UTC), as producers write a time.
    /// False for any other text, for a date or time that does not exist, and where a zone could take
    /// the time out of range: System.Text.Json's parser reads those, and it reads every text accepted
    /// here to the same instant.
    /// </summary>
    public static bool TryParseIsoUtcTicks(ReadOnlySpan<byte> text, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length < 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || !TryReadDate(text, out var year, out var month, out var day))
        {
            return false;
        }

        // A field that is not two digits is -1.
        int hour = TwoDigits(text, 11), minute = TwoDigits(text, 14), second = TwoDigits(text, 17);
        if (year is < 2 or > 9998 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        var daysToMonth = DateTime.IsLeapYear(year) ? LeapDaysToMonth : DaysToMonth;
        var before = year - 1;
        var days = (before * 365) + (before / 4) - (before / 100) + (before / 400) + daysToMonth[month - 1] + day - 1;
        var ticks = (days * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond);
        var rest = text[19..];
        if (rest.Length > 0 && rest[0] == '.')
        {
            var digits = rest[1..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            digits = digits < 0 ? rest.Length - 1 : digits;
            if (digits is < 1 or > 7 || !TryDigits(rest.Slice(1, digits), out var fraction))
            {
                return false;
            }

            for (var scale = digits; scale < 7; scale++)
            {
                fraction *= 10;
            }

            ticks += fraction;
            rest = rest[(digits + 1)..];
        }

        if (rest.Length == 0 || (rest.Length == 1 && rest[0] == 'Z'))
        {
            utcTicks = ticks;
            return true;
        }

        if (rest.Length != 6 || rest[0] is not ((byte)'+' or (byte)'-') || rest[3] != ':')
        {
            return false;
        }

        var offsetHours = TwoDigits(rest, 1);
        var offsetMinutes = TwoDigits(rest, 4);
        if (offsetHours is < 0 or > 13 || offsetMinutes is < 0 or > 59)
        {
            return false;
        }

        // Years 2 to 9998 keep any offset under 14 hours within DateTime's range.
        var offset = ((offsetHours * 60) + offsetMinutes) * TimeSpan.TicksPerMinute;
        utcTicks = rest[0] == '+' ? ticks - offset : ticks + offset;
        return true;
    }

    /// <summary>The date that <paramref name="text"/> starts with as "yyyy-MM-dd": a day that exists, in years 1 to 9999.</summary>
    private static bool TryReadDate(ReadOnlySpan<byte> text, out int year, out int month, out int day)
    {
        // A field that is not two digits is -1.
        int century = TwoDigits(text, 0), yearOfCentury = TwoDigits(text, 2);
        (year, month, day) = ((century * 100) + yearOfCentury, TwoDigits(text, 5), TwoDigits(text, 8));
        if (text[4] != '-' || text[7] != '-' || century < 0 || yearOfCentury < 0 || year < 1 || month is < 1 or > 12)
        {
            return false;
        }

        var daysToMonth = DateTime.IsLeapYear(year) ? LeapDaysToMonth : DaysToMonth;
        return day >= 1 && day <= daysToMonth[month] - daysToMonth[month - 1];
    }

    /// <summary>The number the two digits at <paramref name="at"/> make, or -1 when they are not digits.</summary>
    private static int TwoDigits(ReadOnlySpan<byte> text, int at)
    {
        var tens = (uint)(text[at] - '0');
        var ones = (uint)(text[at + 1] - '0');
        return tens <= 9 && ones <= 9 ? (int)((tens * 10) + ones) : -1;
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
