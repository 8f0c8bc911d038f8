using System.Globalization;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using TypedKafka.Columns;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>
/// A payload laid out plainly is read without a JSON reader (<see cref="MessageColumns.TryReadPlain"/>);
/// every payload must read to exactly the row, or the error, that the reader alone gives. Payloads
/// are generated laid out plainly and every way around that: other orders, whitespace, escapes,
/// unknown, missing and repeated members, numbers and times in every form, malformed JSON.
/// </summary>
public class PlainJsonTests
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // Stands for a byte that is not UTF-8 (0xFF) in the payload text: swapped in after encoding.
    private const char NotUtf8 = '\uE000';

    private static readonly Gen<string> Texts = Usually(
        Gen.OneOf(Gen.OneOfConst("\"\"", "\"naïve ☃\"", "\"é\""), Gen.String[Gen.Char['a', 'z'], 0, 12].Select(s => $"\"{s}\"")),
        Gen.OneOfConst("\"a\\\"b\"", "\"\\u0041\"", "\"tab\there\"", "null", "12", "true", $"\"x{NotUtf8}y\"", "\"\u0001\""));

    private static readonly Gen<string> Reals = Usually(
        Gen.OneOf(
            Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Select(Gen.Long[0, 99_999_999_999_999_999], Gen.Int[0, 18], Gen.Int[-30, 30], Gen.Int[0, 3], Decimal)),
        Gen.OneOfConst(
            "134.26", "-0", "0", "0.0", "-0.0", "1e3", "1E+2", "-1.5e-7", "123456789012345678", "1e400", "-1e400", "00", "1.", ".5", "-", "+1",
            "\"NaN\"", "\"-Infinity\"", "null", "true", "1e-400", "4.9e-324", "0.1", "9007199254740993", "1e22", "1e23", "123456789012345e-22",
            "1234567890123456e-22", "1e0001", "1e10000", "0e5", "3.4028235e38", "3.5e38", "1.17549435e-38", "-01", "1e", "1e+", "--1"));

    private static readonly Gen<string> Floats = Usually(Gen.Float.Select(f => f.ToString("R", CultureInfo.InvariantCulture)), Reals);

    private static readonly Gen<string> Integers = Usually(
        Gen.Int[0, 255].Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.OneOf(
            Gen.OneOfConst(
                "-1", "256", "-0", "1.0", "1e2", "18446744073709551615", "18446744073709551616", "9223372036854775807", "9223372036854775808",
                "-9223372036854775809", "2147483648", "-2147483649", "null", "\"1\"", "007", "1 2"),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))));

    private static readonly Gen<string> Bools = Usually(Gen.OneOfConst("true", "false"), Gen.OneOfConst("null", "\"true\"", "1", "True", "tru", "falsey"));

    private static readonly Gen<string> Times = Usually(
        Gen.Select(Gen.Long[new DateTime(1990, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks], Gen.Int[0, 7], Gen.Int[0, 4], Time),
        Gen.OneOf(
            Gen.OneOfConst(
                "\"2026-02-29T00:00:00Z\"", "\"2024-02-29T00:00:00Z\"", "\"2026-01-02T24:00:00Z\"", "\"2026-01-02T23:59:60Z\"", "\"2026-01-02 03:04:05Z\"",
                "\"2026-01-02\"", "\"2026-01-02T03:04\"", "\"0001-01-01T00:00:00+01:00\"", "\"9999-12-31T23:59:59-01:00\"", "\"0001-01-01T00:00:00\"",
                "\"0002-01-01T00:00:00+13:59\"", "\"9998-12-31T23:59:59.9999999-13:59\"", "\"2026-01-02T03:04:05\\u002B00:00\"", "\"2026-13-01T00:00:00Z\"",
                "\"2026-00-10T00:00:00Z\"", "\"abcd-01-01T00:00:00Z\"", "\"20a6-01-01T00:00:00Z\"", "\"2026-01-02T03:04:05.Z\"", "null", "5", "\"\""),
            Gen.Select(Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks], Gen.Int[0, 9], Gen.Int[0, 12], Time)));

    private static readonly Gen<string> Guids = Usually(
        Gen.Select(Gen.Guid, Gen.Bool, (g, upper) => $"\"{(upper ? g.ToString("D").ToUpperInvariant() : g.ToString("D"))}\""),
        Gen.OneOf(
            Gen.Guid.Select(g => $"\"{g:B}\""),
            Gen.Guid.Select(g => $"\"{g:N}\""),
            Gen.Guid.Select(g => $"\"{g.ToString("D")[1..]}\""),
            Gen.Guid.Select(g => $"\"{g:D}0\""),
            Gen.OneOfConst("\"\\u0030000000-0000-0000-0000-000000000000\"", "\"0000000g-0000-0000-0000-000000000000\"", "\"00000000-0000-0000-0000-00000000000 \"", "null", "1", "\"\"")));

    private static readonly Gen<string> Dates = Usually(
        Gen.Date[new DateTime(1990, 1, 1), new DateTime(2100, 1, 1)].Select(d => $"\"{d:yyyy-MM-dd}\""),
        Gen.OneOfConst("\"2026-02-30\"", "\"2026-1-2\"", "\"26-01-02\"", "\"\\u0032026-01-02\"", "\"2026-01-02T00:00:00\"", "\"0000-01-01\"", "null", "20260102", "\"\""));

    private static readonly Gen<string> Durations = Usually(
        Gen.Long[-TimeSpan.TicksPerDay * 1000, TimeSpan.TicksPerDay * 1000].Select(t => $"\"{TimeSpan.FromTicks(t):c}\""),
        Gen.OneOfConst("\"1:2:3\"", "\"25:00:00\"", "\"-1.02:03:04.5\"", "\"00:00:60\"", "\"abc\"", "\"\"", "null", "5", "\"00:00:00.12345678\"", "\" 00:00:01\"", "\"00:00:01x\"", "\"1.02:03:04.5 \""));

    private static readonly Gen<string> SideNames = Usually(
        Gen.OneOfConst("\"Buy\"", "\"Sell\"", "\"short-sell\""),
        Gen.OneOfConst("\"ShortSell\"", "\"buy\"", "\"SELL\"", "7", "0", "5", "\"\\u0042uy\"", "null", "\"\"", "1.0"));

    private static readonly Gen<string> EnumValues = Usually(
        Gen.OneOf(Gen.Int[0, 7].Select(i => i.ToString(CultureInfo.InvariantCulture)), Gen.OneOfConst("\"Read\"", "\"Write\"", "\"None\"", "\"Buy\"", "\"short-sell\"")),
        Gen.OneOfConst("256", "-1", "\"Nope\"", "\"read\"", "1.0", "null", "\"7\"", "40000", "-32769", "1e1"));

    private static readonly string[] Offsets = ["", "Z", "+00:00", "+05:30", "-08:00", "z", "+14:00", "-14:00", "+13:59", "+0530", "+05", " ", "-00:00"];

    private static readonly string[] Whitespace = ["", "", "", "", " ", "\n\t ", "\r\n"];

    /// <summary>Member names of <see cref="PlainScalars"/> in declaration order, each with the values its type may be given.</summary>
    private static readonly (string Name, Gen<string> Values)[] ScalarMembers =
    [
        ("name", Texts), ("note", Texts), ("price", Reals), ("ratio", Floats), ("count", Integers), ("small", Integers), ("tiny", Integers),
        ("big", Integers), ("flag", Bools), ("maybeFlag", Bools), ("at", Times), ("clock", Times), ("id", Guids), ("day", Dates),
        ("elapsed", Durations), ("side", SideNames),
    ];

    private static readonly (string Name, Gen<string> Values)[] EnumValueMembers = [("Rights", EnumValues), ("Side", EnumValues), ("Level", Integers)];

    [Fact]
    public void Every_payload_reads_to_the_row_or_error_the_reader_gives() => CheckAll<PlainScalars>(ScalarMembers);

    [Fact]
    public void Every_payload_of_enums_by_value_reads_to_the_row_or_error_the_reader_gives() => CheckAll<PlainEnumValues>(EnumValueMembers);

    [Fact]
    public void Every_payload_with_a_byte_changed_reads_to_the_row_or_error_the_reader_gives() =>
        CheckAll<PlainScalars>(ScalarMembers, Gen.Select(PayloadsOf(ScalarMembers, mended: false), Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.OneOfConst(OddBytes), ChangeByte), plainAtLeastOneIn: 25);

    // JSON's whitespace and others that are not, control characters, bytes that are never or not alone UTF-8, structure.
    private static readonly byte[] OddBytes =
        [(byte)' ', (byte)'\t', (byte)'\n', (byte)'\r', 0x0B, 0x0C, 0xA0, 0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xEF, 0xBB, 0xBF, 0xFF,
         (byte)'"', (byte)'\\', (byte)'/', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'0', (byte)'-', (byte)'.', (byte)'e', (byte)'n'];

    [Fact]
    public void A_payload_laid_out_as_producers_write_it_is_read_without_the_reader()
    {
        var columns = ArrowMessage.CreateColumns<PlainScalars>();
        const string Compact = """{"name":"ACME","note":null,"price":134.26,"ratio":0.5,"count":-7,"small":null,"tiny":255,"big":18446744073709551615,"flag":true,"maybeFlag":false,"at":"2026-01-02T09:30:00.123456+01:00","clock":"2026-01-02T09:30:00","id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","day":"2026-01-02","elapsed":"1.02:03:04.5000000","side":"short-sell"}""";
        const string Spaced = """ { "name": "ACME", "note": "n", "price": 1e3, "ratio": 2, "count": 0, "small": 1, "tiny": 0, "big": 0, "flag": false, "maybeFlag": null, "at": "2026-01-02T09:30:00Z", "clock": null, "id": "6F9619FF-8B86-D011-B42D-00C04FC964FF", "day": "2026-01-02", "elapsed": null, "side": "Buy" } """;

        Assert.True(columns.TryReadPlain(Encoding.UTF8.GetBytes(Compact)));
        Assert.True(columns.TryReadPlain(Encoding.UTF8.GetBytes(Spaced)));
        Assert.False(columns.TryReadPlain(Encoding.UTF8.GetBytes(Compact.Replace("\"ACME\"", "\"AC\\u004DE\""))));
        Assert.Equal(2, columns.Length);
        Assert.All(columns.Columns, c => Assert.Equal(2, c.Length));
    }

    [Fact]
    public void Types_with_members_that_are_not_plain_scalars_are_always_read_with_the_reader()
    {
        var payload = """{"symbol":"A","traceId":"t"}"""u8;

        Assert.False(ArrowMessage.CreateColumns<Traced>().TryReadPlain(payload));
        Assert.False(ArrowMessage.CreateColumns<Everything>().TryReadPlain("""{"text":""}"""u8));
    }

    /// <summary>Decodes the payloads as the consumer does and with the reader alone; returns how many were read plainly, and how many there were.</summary>
    private static (int Plain, int Count) Check<T>(byte[][] payloads, (string Name, Gen<string> Values)[] members)
        where T : IArrowMessage<T>
    {
        using var batch = Payloads.Decoder<T>().Decode([.. payloads.Select(p => new Payload(null) { ValueBytes = p })]);
        var (expected, reasons) = ReadWithReaderOnly<T>(payloads);
        for (var i = 0; i < expected.Length; i++)
        {
            var name = members[i].Name;
            var actual = batch.RecordBatch.Column(name);
            for (var row = 0; row < payloads.Length; row++)
            {
                if (!SameCell(expected[i], actual, row))
                {
                    Assert.Fail($"'{name}' differs in row {row}: {Cell(expected[i], row)} read by the reader, {Cell(actual, row)} by the consumer, from {Describe(payloads[row])}");
                }
            }
        }

        var errors = batch.Errors.ToDictionary(e => e.Row, e => e.Reason);
        for (var row = 0; row < payloads.Length; row++)
        {
            Assert.True(
                errors.GetValueOrDefault(row) == reasons[row],
                $"Row {row}: '{reasons[row]}' from the reader, '{errors.GetValueOrDefault(row)}' from the consumer, for {Describe(payloads[row])}");
        }

        var probe = ArrowMessage.CreateColumns<T>();
        return (payloads.Count(p => probe.TryReadPlain(p)), payloads.Length);
    }

    /// <summary>What TypedBatchDecoder did before plain payloads were read without the reader.</summary>
    private static (IArrowArray[] Columns, string?[] Reasons) ReadWithReaderOnly<T>(byte[][] payloads)
        where T : IArrowMessage<T>
    {
        var columns = ArrowMessage.CreateColumns<T>();
        var reasons = new string?[payloads.Length];
        for (var row = 0; row < payloads.Length; row++)
        {
            var start = columns.Length;
            try
            {
                var reader = new Utf8JsonReader(payloads[row], ReaderOptions);
                reader.Read();
                if (columns.TryRead(ref reader, out var error))
                {
                    reader.Read();
                    continue;
                }

                reasons[row] = error.ToString();
            }
            catch (JsonException e)
            {
                reasons[row] = DecodeError.Create("malformed JSON: " + e.Message).ToString();
            }

            columns.Truncate(start);
            columns.AppendNullRow();
        }

        return (columns.Build(), reasons);
    }

    private static bool SameCell(IArrowArray expected, IArrowArray actual, int row)
    {
        if (expected.IsNull(row) || actual.IsNull(row))
        {
            return expected.IsNull(row) == actual.IsNull(row);
        }

        return Cell(expected, row) == Cell(actual, row);
    }

    /// <summary>A cell as text that tells every value apart: fixed-width values by their bytes (0.0 from -0.0).</summary>
    private static string Cell(IArrowArray array, int row)
    {
        var data = array.Data;
        var type = data.DataType is ExtensionType extension ? extension.StorageType : data.DataType;
        return array.IsNull(row) ? "null" : array switch
        {
            StringArray s => Convert.ToHexString(s.GetBytes(row)),
            BooleanArray b => b.GetValue(row)!.Value ? "true" : "false",
            _ when type is FixedWidthType fixedWidth => Convert.ToHexString(
                data.Buffers[1].Span.Slice((data.Offset + row) * (fixedWidth.BitWidth / 8), fixedWidth.BitWidth / 8)),
            _ => throw new NotSupportedException(array.GetType().Name),
        };
    }

    /// <summary>
    /// Compares the two ways of reading over 400 samples of up to 30 payloads, of which at least one
    /// in <paramref name="plainAtLeastOneIn"/> and at most nine in ten must be laid out plainly.
    /// </summary>
    private static void CheckAll<T>((string Name, Gen<string> Values)[] members, Gen<byte[]>? payloadsGen = null, int plainAtLeastOneIn = 10)
        where T : IArrowMessage<T>
    {
        var plain = 0;
        var total = 0;
        (payloadsGen ?? PayloadsOf(members)).Array[1, 30].Sample(
            payloads =>
            {
                var (readPlainly, count) = Check<T>(payloads, members);
                plain += readPlainly;
                total += count;
            },
            iter: 400,
            threads: 1);

        // Both paths ran often: the comparison was not made over one of them alone.
        Assert.InRange(plain, total / plainAtLeastOneIn, total - (total / 10));
    }

    /// <summary>Payloads of the members, their layout mended one way or another in about half of them, or (<paramref name="mended"/> false) none.</summary>
    private static Gen<byte[]> PayloadsOf((string Name, Gen<string> Values)[] members, bool mended = true) => Gen.Select(
        members.Aggregate(Gen.Const(System.Array.Empty<string>()), (values, member) => Gen.Select(values, member.Values, (a, v) => (string[])[.. a, v])),
        Gen.OneOfConst(Whitespace),
        mended ? Gen.Int[0, 29] : Gen.Int[13, 29],
        Gen.Int,
        (values, space, mend, seed) => Payload(members, values, space, mend, seed));

    private static string Describe(byte[] payload) => $"{Encoding.UTF8.GetString(payload)} ({Convert.ToHexString(payload)})";

    /// <summary>The payload with one byte inserted (0), replaced (1) or removed (2) at a position.</summary>
    private static byte[] ChangeByte(byte[] payload, int change, int position, byte odd)
    {
        var at = position % (payload.Length + 1);
        return change switch
        {
            0 => [.. payload[..at], odd, .. payload[at..]],
            1 when at < payload.Length => [.. payload[..at], odd, .. payload[(at + 1)..]],
            _ when at < payload.Length => [.. payload[..at], .. payload[(at + 1)..]],
            _ => payload,
        };
    }

    /// <summary>Digits with a decimal point placed and an exponent or not, as producers of decimals write them.</summary>
    private static string Decimal(long digits, int point, int exponent, int style)
    {
        var text = digits.ToString(CultureInfo.InvariantCulture);
        if (point > 0 && point < text.Length)
        {
            text = text[..^point] + "." + text[^point..];
        }

        var sign = style == 1 ? "-" : "";
        return style == 2 ? $"{sign}{text}e{exponent}" : style == 3 ? $"{sign}{text}E+{Math.Abs(exponent)}" : sign + text;
    }

    /// <summary>A time in the ISO 8601 shape, with 0 to 9 fraction digits and one of the offsets (the first five as producers write them).</summary>
    private static string Time(long ticks, int fractionDigits, int offset)
    {
        var time = new DateTime(ticks);
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fractionDigits > 0)
        {
            var fraction = (time.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture) + "99";
            text += "." + fraction[..fractionDigits];
        }

        return $"\"{text}{Offsets[offset]}\"";
    }

    /// <summary>Mostly values as producers write them, sometimes an odd one.</summary>
    private static Gen<string> Usually(Gen<string> usual, Gen<string> odd) => Gen.Frequency((14, usual), (1, odd));

    /// <summary>The members' values in an object, laid out plainly or mended one way or another.</summary>
    private static byte[] Payload((string Name, Gen<string> Values)[] declared, string[] values, string space, int mend, int seed)
    {
        var random = new Random(seed);
        var members = declared.Select((m, i) => $"\"{m.Name}\"{space}:{space}{values[i]}").ToList();
        switch (mend)
        {
            case 0:
                members.RemoveAt(random.Next(members.Count));
                break;
            case 1:
                members.Insert(random.Next(members.Count + 1), "\"extra\":[1,{\"a\":null}]");
                break;
            case 2:
                members.Add(members[random.Next(members.Count)]);
                break;
            case 3:
                members = [.. members.OrderBy(_ => random.Next())];
                break;
            case 4:
                members[0] = "\"\\u00" + ((int)declared[0].Name[0]).ToString("x2", CultureInfo.InvariantCulture) + members[0][2..];
                break;
            case 5:
                members[random.Next(members.Count)] += ",";
                break;
            case 6:
                members[random.Next(members.Count)] += "/*c*/";
                break;
        }

        var text = mend switch
        {
            7 => "[" + string.Join(",", values) + "]",
            8 => values[random.Next(values.Length)],
            _ => $"{space}{{{space}{string.Join($"{space},{space}", members)}{space}}}{space}",
        };
        text = mend switch
        {
            9 => text[..random.Next(text.Length)],
            10 => text + "x",
            11 => text + "}",
            12 => "\uFEFF" + text,
            _ => text,
        };

        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes(NotUtf8.ToString());
        for (var at = bytes.AsSpan().IndexOf(marker); at >= 0; at = bytes.AsSpan().IndexOf(marker))
        {
            bytes = [.. bytes[..at], 0xFF, .. bytes[(at + marker.Length)..]];
        }

        return bytes;
    }
}
