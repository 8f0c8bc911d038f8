using System.Text;
using Apache.Arrow;
using static TypedKafka.Generators.Tests.Decoding.DecodeTradeTests;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>
/// Each kind of bad payload, under both policies. Skip keeps the row (null members, raw value,
/// reason), lists it in Errors, counts it and leaves it out of Rows; Fail throws with the
/// message's position. Good rows around a bad one are untouched.
/// </summary>
public class BadPayloadTests
{
    private const string Good = """{"symbol":"OK","price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""";

    public static TheoryData<string, string> Kinds => new()
    {
        // Malformed JSON
        { """{"symbol":"A","price":1.5,""", "malformed JSON: " },
        { """{"symbol":"A" "price":1}""", "malformed JSON: " },
        { """{"symbol":"A","price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"} trailing""", "malformed JSON: " },
        { "", "malformed JSON: " },
        // Not an object
        { "[1,2]", "expected an object, got an array" },
        { "42", "expected an object, got the number 42" },
        { "null", "expected an object, got null" },
        // Wrong type
        { """{"symbol":"A","price":"1.5","quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'price': expected a number, got a string" },
        { """{"symbol":7,"price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'symbol': expected a string, got the number 7" },
        { """{"symbol":"A","price":1.5,"quantity":2.5,"tradeTime":"2026-01-01T00:00:00Z"}""", "'quantity': expected an integer, got the number 2.5" },
        { """{"symbol":"A","price":1.5,"quantity":2,"tradeTime":"yesterday"}""", "'tradeTime': expected an ISO 8601 date and time, got a string that is not one" },
        { """{"symbol":"A","price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z","venue":{"x":1}}""", "'venue': expected a string, got an object" },
        // Missing or null required member
        { """{"price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'symbol': missing, and the member is not nullable" },
        { """{"symbol":null,"price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'symbol': null, but the member is not nullable" },
        // Overflow
        { """{"symbol":"A","price":1.5,"quantity":9223372036854775808,"tradeTime":"2026-01-01T00:00:00Z"}""", "'quantity': overflow: 9223372036854775808 is out of range for Int64" },
        { """{"symbol":"A","price":1e400,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'price': overflow: 1e400 is out of range for Double" },
        // Duplicate member
        { """{"symbol":"A","symbol":"B","price":1.5,"quantity":2,"tradeTime":"2026-01-01T00:00:00Z"}""", "'symbol': given more than once" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Skip_keeps_the_row_with_null_members_its_raw_value_and_reason(string value, string reason)
    {
        var decoder = Payloads.Decoder<Trade>();
        using var batch = decoder.Decode(new Payload(Good, Offset: 10), new Payload(value, Partition: 4, Offset: 11), new Payload(Good, Offset: 12));
        var b = batch.RecordBatch;

        Assert.Equal(3, b.Length);
        var error = Assert.Single(batch.Errors);
        Assert.Equal((1, Payloads.Topic, 4, 11L), (error.Row, error.Topic, error.Partition, error.Offset));
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetBytes(value), error.RawValue!.Value.ToArray());
        Assert.Equal([null, error.Reason, null], Strings(b.Column("_error")));
        Assert.Equal(Encoding.UTF8.GetBytes(value), ((BinaryArray)b.Column("_raw_value")).GetBytes(1).ToArray());
        Assert.All(Enumerable.Range(5, 5), c => Assert.True(b.Column(c).IsNull(1)));
        Assert.Equal(["OK", null, "OK"], Strings(b.Column("symbol")));
        Assert.Equal(2, batch.Rows.Count());
        Assert.Equal(1, decoder.BadPayloadCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fail_throws_naming_topic_partition_offset_and_reason(string value, string reason)
    {
        var decoder = Payloads.Decoder<Trade>(BadPayloadPolicy.Fail);

        var e = Assert.Throws<BadPayloadException>(() => decoder.Decode(new Payload(Good, Offset: 10), new Payload(value, Partition: 4, Offset: 11)));

        Assert.Equal((Payloads.Topic, 4, 11L), (e.Topic, e.Partition, e.Offset));
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
        Assert.Equal($"Bad payload in topic '{Payloads.Topic}', partition 4, offset 11: {e.Reason}", e.Message);
    }

    [Fact]
    public void After_a_failure_the_decoder_starts_the_next_batch_clean()
    {
        var decoder = Payloads.Decoder<Trade>(BadPayloadPolicy.Fail);
        Assert.Throws<BadPayloadException>(() => decoder.Decode(new Payload(Good), new Payload("{")));

        using var batch = decoder.Decode(new Payload(Good));
        Assert.Equal(["OK"], Strings(batch.RecordBatch.Column("symbol")));
    }

    [Fact]
    public void A_tombstone_is_a_bad_payload_without_raw_bytes()
    {
        using var batch = Payloads.Decode<Trade>(BadPayloadPolicy.Skip, new Payload(null));

        var error = Assert.Single(batch.Errors);
        Assert.Equal("the value is null (a tombstone)", error.Reason);
        Assert.Null(error.RawValue);
        Assert.True(batch.RecordBatch.Column("_raw_value").IsNull(0));
    }

    [Theory]
    [InlineData("""{"Permissions":256,"Side":0}""", "'Permissions': overflow: 256 is out of range for Permissions")]
    [InlineData("""{"Permissions":"Execute","Side":0}""", "'Permissions': 'Execute' is not a member of Permissions")]
    public void Enum_values_out_of_range_or_unknown_names_are_bad_payloads(string value, string reason)
    {
        using var batch = Payloads.Decode<Access>(value);

        Assert.Equal(reason, Assert.Single(batch.Errors).Reason);
    }

    [Theory]
    [InlineData("\"I8\":128", "'I8': overflow: 128 is out of range for SByte")]
    [InlineData("\"U8\":-1", "'U8': overflow: -1 is out of range for Byte")]
    [InlineData("\"U64\":18446744073709551616", "'U64': overflow: 18446744073709551616 is out of range for UInt64")]
    [InlineData("\"F32\":3.5e38", "'F32': overflow: 3.5e38 is out of range for Single")]
    [InlineData("\"Money\":100000000000000000000", "'Money': overflow: 100000000000000000000 is out of range for decimal128(38, 18)")]
    [InlineData("\"Day\":\"2026-02-30\"", "'Day': expected a date as yyyy-MM-dd, got a string that is not one")]
    [InlineData("\"Elapsed\":\"1 hour\"", "'Elapsed': expected a duration as [-][d.]hh:mm:ss[.fffffff], got a string that is not one")]
    [InlineData("\"Id\":\"not-a-guid\"", "'Id': expected a GUID as 00000000-0000-0000-0000-000000000000, got a string that is not one")]
    [InlineData("\"Side\":\"Hold\"", "'Side': 'Hold' is not a member of Side")]
    [InlineData("\"Side\":3", "'Side': 3 is not the value of a member of Side")]
    [InlineData("\"Blob\":\"***\"", "'Blob': expected a base64 string, got a string that is not one")]
    [InlineData("\"Flag\":1", "'Flag': expected true or false, got the number 1")]
    [InlineData("\"Numbers\":[1,\"2\"]", "'Numbers[1]': expected an integer, got a string")]
    [InlineData("\"Numbers\":{}", "'Numbers': expected an array, got an object")]
    [InlineData("\"Matrix\":[[1],[2,null]]", "'Matrix[1][1]': null, but the member is not nullable")]
    [InlineData("\"Home\":{\"city\":\"x\"}", "'Home.street': missing, and the member is not nullable")]
    [InlineData("\"Addresses\":[{\"street\":\"a\"},{\"street\":\"b\",\"post_code\":1.5}]", "'Addresses[1].post_code': expected an integer, got the number 1.5")]
    public void Errors_name_the_path_to_the_member_at_fault(string member, string reason)
    {
        var value = MinimalWith(member);
        using var batch = Payloads.Decode<Everything>(value, DecodeTextTests.MinimalEverything);

        Assert.Equal(reason, Assert.Single(batch.Errors).Reason);
    }

    [Fact]
    public void A_bad_row_inside_nested_lists_leaves_no_items_behind()
    {
        using var batch = Payloads.Decode<Everything>(
            MinimalWith("\"Addresses\":[{\"street\":\"a\"}]", "\"Matrix\":[[1,2]]"),
            MinimalWith("\"Addresses\":[{\"street\":\"b\"},{\"street\":\"x\"}]", "\"Matrix\":[[3],[4,\"x\"]]"),
            MinimalWith("\"Addresses\":[{\"street\":\"c\"}]", "\"Matrix\":[[5]]"));

        Assert.Single(batch.Errors);
        var rows = batch.Rows.ToList();
        Assert.Equal([[new Address("a", null, null)], [new Address("c", null, null)]], rows.Select(r => r.Addresses!.ToArray()));
        Assert.Equal([[[1, 2]], [[5]]], rows.Select(r => r.Matrix));
        var addresses = (ListArray)batch.RecordBatch.Column("Addresses");
        Assert.Equal([0, 1, 1, 2], addresses.ValueOffsets.ToArray());
        Assert.Equal(["a", "c"], Strings(((StructArray)addresses.Values).Fields[0]));
    }

    [Fact]
    public void Keys_that_are_not_utf8_make_a_bad_row()
    {
        using var batch = Payloads.Decode<Trade>(BadPayloadPolicy.Skip, new Payload(Good, Key: "a"), new Payload(Good) { KeyBytes = [0xc3, 0x28] });

        Assert.Equal("the key is not valid UTF-8", Assert.Single(batch.Errors).Reason);
        Assert.Equal(["a", null], Strings(batch.RecordBatch.Column("key")));
        Assert.Single(batch.Rows);
    }

    [Fact]
    public void A_character_split_across_two_keys_makes_both_bad()
    {
        // "é" is C3 A9: the first key ends with its lead byte, the second starts with its continuation byte.
        using var batch = Payloads.Decode<Trade>(BadPayloadPolicy.Skip, new Payload(Good) { KeyBytes = [0x61, 0xC3] }, new Payload(Good) { KeyBytes = [0xA9, 0x62] });

        Assert.Equal(2, batch.Errors.Count);
        Assert.All(batch.Errors, e => Assert.Equal("the key is not valid UTF-8", e.Reason));
    }

    [Fact]
    public void Integer_keys_are_read_big_endian_and_a_wrong_width_is_a_bad_row()
    {
        using var batch = Payloads.DecodeWithKeys<Trade, long>(
            new Payload(Good) { KeyBytes = [0, 0, 0, 0, 0, 0, 1, 2] },
            new Payload(Good) { KeyBytes = [1, 2] },
            new Payload(Good, Key: null));

        Assert.Equal([258L, null, null], ((Int64Array)batch.RecordBatch.Column("key")).ToList(includeNulls: true));
        Assert.Equal("the key has 2 bytes, a big-endian Int64 has 8", Assert.Single(batch.Errors).Reason);
        Assert.Equal([258L, 0L], batch.Records.Select(r => r.Key));
    }

    /// <summary>The minimal payload of <see cref="Everything"/> with the given members replaced or added.</summary>
    private static string MinimalWith(params string[] members) =>
        members.Aggregate(DecodeTextTests.MinimalEverything, With);

    private static string With(string minimal, string member)
    {
        var name = member[..(member.IndexOf(':', StringComparison.Ordinal) + 1)];
        var at = minimal.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
        {
            return minimal.TrimEnd()[..^1] + "," + member + "}";
        }

        // Replace the member's value up to the next top-level comma or the closing brace.
        var depth = 0;
        var end = at + name.Length;
        for (; end < minimal.Length; end++)
        {
            var c = minimal[end];
            if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }
        }

        return minimal[..at] + member + minimal[end..];
    }

    [Fact]
    public void An_empty_error_reads_as_empty_text() => Assert.Equal("", default(Columns.DecodeError).ToString());
}
