using System.Text;
using Apache.Arrow;
using static TypedKafka.Generators.Tests.Decoding.DecodeTradeTests;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>Strings arrive as raw UTF-8, escaped, or both; columns hold them unescaped.</summary>
public class DecodeTextTests
{
    [Theory]
    [InlineData("""plain ascii""", "plain ascii")]
    [InlineData("""Zürich – 東京 – 🚀""", "Zürich – 東京 – 🚀")]
    [InlineData("""Z\u00fcrich \u2013 \u6771\u4eac \u2013 \ud83d\ude80""", "Zürich – 東京 – 🚀")]
    [InlineData("""quote \" backslash \\ slash \/ tab \t newline \n cr \r bs \b ff \f""", "quote \" backslash \\ slash / tab \t newline \n cr \r bs \b ff \f")]
    [InlineData("""nul \u0000 and \u001f""", "nul \0 and \u001f")]
    [InlineData("", "")]
    public void Strings_are_stored_unescaped(string json, string expected)
    {
        using var batch = Payloads.Decode<Address>($$"""{"street":"{{json}}","city":"x"}""");

        Assert.Empty(batch.Errors);
        Assert.Equal([expected], Strings(batch.RecordBatch.Column("street")));
        Assert.Equal(expected, Assert.Single(batch.Rows).Street);
    }

    [Fact]
    public void Escaped_member_names_match_like_plain_ones()
    {
        using var batch = Payloads.Decode<Address>("""{"\u0073treet":"a","ci\u0074y":"b","post\u005fcode":1}""");

        Assert.Equal(new Address("a", "b", 1), Assert.Single(batch.Rows));
    }

    [Fact]
    public void Unknown_members_of_any_shape_are_skipped()
    {
        using var batch = Payloads.Decode<Address>("""{"extra":{"deep":[1,{"x":[]}]},"street":"a","more":[["b"]],"city":null,"n":1.5e300,"t":true}""");

        Assert.Equal(new Address("a", null, null), Assert.Single(batch.Rows));
    }

    [Fact]
    public void Base64_with_escaped_characters_decodes()
    {
        var bytes = new byte[] { 0xfb, 0xff, 0xbf };
        var escaped = Convert.ToBase64String(bytes).Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);
        using var batch = Payloads.Decode<Everything>(MinimalEverything.Replace("\"Blob\":\"\"", $"\"Blob\":\"{escaped}\"", StringComparison.Ordinal));

        Assert.Empty(batch.Errors);
        Assert.Equal(bytes, Assert.Single(batch.Rows).Blob);
    }

    [Fact]
    public void Payload_bytes_that_are_not_utf8_are_a_bad_payload()
    {
        var value = Encoding.UTF8.GetBytes("""{"street":"ab"}""");
        value[11] = 0xff;
        using var batch = Payloads.Decode<Address>(BadPayloadPolicy.Skip, new Payload(null) { ValueBytes = value });

        Assert.Equal("'street': invalid escape sequence or UTF-8 in a string", Assert.Single(batch.Errors).Reason);
    }

    internal const string MinimalEverything = """
        {"Text":"t","Flag":false,"I8":0,"U8":0,"I16":0,"U16":0,"I32":0,"U32":0,"I64":0,"U64":0,"F32":0,"F64":0,"Money":0,
         "When":"2026-01-01T00:00:00Z","WhenOffset":"2026-01-01T00:00:00Z","Day":"2026-01-01","Elapsed":"00:00:00",
         "Id":"00000000-0000-0000-0000-000000000000","Side":0,"Blob":"","Numbers":[],"Tags":[],"Home":{"street":"s"},"Matrix":[]}
        """;
}
