using System.Text.Json;
using TypedKafka.Formats.Avro;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>The Avro reader schema a typed Avro record's consumer writes from its generated columns.</summary>
public class MemberSchemaTests
{
    [Fact]
    public void Members_become_fields_under_their_payload_names_nullable_ones_with_a_null_default()
    {
        var schema = JsonDocument.Parse(MemberSchema.For(Columns.ArrowMessage.CreateColumns<AvroTrade>(), "AvroTrade")).RootElement;

        var fields = schema.GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal(["symbol", "quantity", "trade_time", "rights", "legs", "ref_id"], fields.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("""["null","long"]""", fields[1].GetProperty("type").GetRawText());
        Assert.Equal(JsonValueKind.Null, fields[1].GetProperty("default").ValueKind);
        Assert.False(fields[0].TryGetProperty("default", out _));
        Assert.Equal("""{"type":"long","logicalType":"timestamp-micros"}""", fields[2].GetProperty("type").GetRawText());
        Assert.Equal("""{"type":"enum","name":"Permissions","symbols":["None","Read","Write"]}""", fields[3].GetProperty("type").GetRawText());
        Assert.Equal("""{"type":"string","logicalType":"uuid"}""", fields[5].GetProperty("type").GetRawText());
        var legs = fields[4].GetProperty("type");
        Assert.Equal("array", legs.GetProperty("type").GetString());
        Assert.Equal(["symbol", "price", "quantity", "tradeTime", "venue"], legs.GetProperty("items").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public void An_enum_name_that_is_no_avro_symbol_is_refused_naming_the_member()
    {
        var e = Assert.Throws<NotSupportedException>(() => MemberSchema.For(Columns.ArrowMessage.CreateColumns<AvroOrder>(), "AvroOrder"));

        Assert.Equal("Member 'AvroOrder.Side': enum Side's name 'short-sell' is not an Avro symbol ([A-Za-z_][A-Za-z0-9_]*).", e.Message);
    }

    [Fact]
    public void A_type_with_header_members_cannot_be_nested()
    {
        var e = Assert.Throws<NotSupportedException>(() => Columns.ArrowMessage.CreateColumns<HoldsWithHeader>());

        Assert.Equal("WithHeader has [KafkaHeader] members, so it can only be the message type itself, not a member of another [KafkaMessage] type.", e.Message);
    }
}
