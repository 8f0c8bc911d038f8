using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using TypedKafka.Columns;

namespace TypedKafka.Tests.Columns;

/// <summary>
/// The parsers that read numbers and times from their bytes give exactly what the general parsers
/// give (double.Parse, System.Text.Json's ISO 8601 reader) for every text they accept, and accept
/// the forms producers write.
/// </summary>
public class PlainParsingTests
{
    private static readonly Gen<string> NumberTexts = Gen.OneOf(
        Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => d.ToString("E10", CultureInfo.InvariantCulture)),
        Gen.Select(Gen.Bool, Gen.String[Gen.Char['0', '9'], 1, 18], Gen.Int[0, 18], Gen.Int[-40, 40], Gen.Int[0, 2], Number));

    private static readonly Gen<string> TimeTexts = Gen.Select(
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks],
        Gen.Long[new DateTime(1990, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks],
        Gen.Bool,
        Gen.Int[0, 9],
        Gen.OneOfConst("", "Z", "+00:00", "-00:00", "+05:30", "-08:00", "+13:59", "-13:59", "+14:00", "z", "+0530", "+05"),
        Time);

    [Fact]
    public void A_number_read_from_its_bytes_is_the_double_the_general_parser_reads() =>
        AgreeWhereTaken(NumberTexts, minimumTaken: 2_000, text =>
        {
            if (!JsonNumbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value))
            {
                return null;
            }

            var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value) ? "" : $"{value:R}, the general parser {expected:R}";
        });

    [Theory]
    [InlineData("134.26")]
    [InlineData("52276")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("0.1")]
    [InlineData("1e22")]
    [InlineData("-1.5E-7")]
    [InlineData("123456789012345")]
    [InlineData("0.000000000000000000001")]
    public void Numbers_as_producers_write_them_are_read_from_their_bytes(string text)
    {
        Assert.True(JsonNumbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("1234567890123456")] // 16 significant digits: not exact as a double product
    [InlineData("1e23")] // 10^23 is not an exact double
    [InlineData("1e-23")]
    [InlineData("4.9e-324")]
    [InlineData("1e400")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e")]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("1 ")]
    [InlineData("NaN")]
    public void Other_numbers_are_left_to_the_general_parser(string text) =>
        Assert.False(JsonNumbers.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void A_time_read_from_its_bytes_is_the_instant_the_json_reader_reads() =>
        AgreeWhereTaken(TimeTexts, minimumTaken: 5_000, text =>
        {
            if (!ArrowTime.TryParseIsoUtcTicks(Encoding.ASCII.GetBytes(text), out var utcTicks))
            {
                return null;
            }

            return !ReaderUtcTicks(text, out var expected) ? "read from its bytes, rejected by the JSON reader"
                : expected == utcTicks ? "" : $"{new DateTime(utcTicks):O} from its bytes, {new DateTime(expected):O} by the JSON reader";
        });

    [Theory]
    [InlineData("2026-01-02T09:30:00Z")]
    [InlineData("2026-01-02T09:30:00")]
    [InlineData("2026-01-02T09:30:00.1234567+01:00")]
    [InlineData("2026-01-02T09:30:00.123-08:00")]
    [InlineData("2024-02-29T23:59:59.9999999-13:59")]
    [InlineData("0002-01-01T00:00:00+13:59")]
    public void Times_as_producers_write_them_are_read_from_their_bytes(string text)
    {
        Assert.True(ArrowTime.TryParseIsoUtcTicks(Encoding.ASCII.GetBytes(text), out var utcTicks));
        Assert.True(ReaderUtcTicks(text, out var expected));
        Assert.Equal(expected, utcTicks);
    }

    [Theory]
    [InlineData("2026-02-29T00:00:00Z")] // no such day
    [InlineData("2026-01-02T24:00:00Z")]
    [InlineData("2026-01-02T23:59:60Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("20a6-01-01T00:00:00Z")]
    [InlineData("2026-01-02 09:30:00Z")]
    [InlineData("2026-01-02T09:30")]
    [InlineData("2026-01-02")]
    [InlineData("2026-01-02T09:30:00.12345678Z")] // more than seven fraction digits
    [InlineData("2026-01-02T09:30:00.Z")]
    [InlineData("2026-01-02T09:30:00z")]
    [InlineData("2026-01-02T09:30:00+0530")]
    [InlineData("2026-01-02T09:30:00+14:00")]
    [InlineData("0001-01-01T00:00:00")] // a local zone could take it out of range
    [InlineData("9999-12-31T23:59:59-01:00")]
    public void Other_times_are_left_to_the_json_reader(string text) =>
        Assert.False(ArrowTime.TryParseIsoUtcTicks(Encoding.ASCII.GetBytes(text), out _));

    /// <summary>
    /// Over 20,000 texts, <paramref name="compare"/> gives null where the fast parser does not take
    /// the text, "" where it takes it and agrees, and what differs otherwise; it must take at least
    /// <paramref name="minimumTaken"/> of them.
    /// </summary>
    private static void AgreeWhereTaken(Gen<string> texts, int minimumTaken, Func<string, string?> compare)
    {
        var taken = 0;
        texts.Sample(
            text =>
            {
                var difference = compare(text);
                taken += difference is null ? 0 : 1;
                Assert.True(string.IsNullOrEmpty(difference), $"{text}: {difference}");
            },
            iter: 20_000,
            threads: 1);

        Assert.True(taken >= minimumTaken, $"{taken} of 20,000 taken by the fast parser");
    }

    /// <summary>The instant System.Text.Json reads, the clock time taken as UTC when the text has no offset (as the timestamp column takes it).</summary>
    private static bool ReaderUtcTicks(string text, out long utcTicks)
    {
        var reader = new Utf8JsonReader(Encoding.ASCII.GetBytes($"\"{text}\""));
        reader.Read();
        if (!reader.TryGetDateTimeOffset(out var value))
        {
            utcTicks = 0;
            return false;
        }

        var hasOffset = text.Length > 10 && text.AsSpan(10).IndexOfAny("Zz+-") >= 0;
        utcTicks = hasOffset ? value.UtcTicks : value.DateTime.Ticks;
        return true;
    }

    private static string Number(bool negative, string digits, int point, int exponent, int style)
    {
        var text = point > 0 && point < digits.Length ? digits[..^point] + "." + digits[^point..] : digits;
        text = (negative ? "-" : "") + text;
        return style switch
        {
            1 => $"{text}e{exponent}",
            2 => $"{text}E+{Math.Abs(exponent)}",
            _ => text,
        };
    }

    private static string Time(long anyTicks, long recentTicks, bool recent, int fractionDigits, string offset)
    {
        var time = new DateTime(recent ? recentTicks : anyTicks);
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fractionDigits > 0)
        {
            var fraction = (time.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture) + "12";
            text += "." + fraction[..fractionDigits];
        }

        return text + offset;
    }
}
