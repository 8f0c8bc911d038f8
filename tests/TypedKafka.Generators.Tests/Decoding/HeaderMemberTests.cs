using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>[KafkaHeader] members are read from the message's headers column, next to the members read from the JSON value.</summary>
public class HeaderMemberTests
{
    private static readonly (string, string?)[] AllHeaders =
    [
        ("trace-id", "t-1"), ("tenant", "7"), ("sent-at", "2026-12-07T06:00:00.250Z"), ("sig", "\u0001\u0002"), ("side", "short-sell"), ("urgent", "true"),
    ];

    [Fact]
    public void Each_member_is_read_from_its_header_as_text_bytes_or_a_json_scalar()
    {
        using var batch = Decode(BadPayloadPolicy.Fail, ("""{"symbol":"ACME"}""", AllHeaders));

        var row = Assert.Single(batch.Rows);
        Assert.Equal("ACME", row.Symbol);
        Assert.Equal("t-1", row.TraceId);
        Assert.Equal(7, row.Tenant);
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T06:00:00.250Z", System.Globalization.CultureInfo.InvariantCulture), row.SentAt);
        Assert.Equal(new byte[] { 1, 2 }, row.Signature);
        Assert.Equal(Side.ShortSell, row.Side);
        Assert.True(row.Urgent);
    }

    [Fact]
    public void With_repeated_keys_the_last_header_counts()
    {
        using var batch = Decode(BadPayloadPolicy.Fail, ("""{"symbol":"ACME"}""", [("tenant", "1"), ("trace-id", "a"), ("tenant", "2"), ("trace-id", "b")]));

        var row = Assert.Single(batch.Rows);
        Assert.Equal((2, "b"), (row.Tenant, row.TraceId));
    }

    [Fact]
    public void A_missing_or_null_header_is_null_for_a_nullable_member()
    {
        using var batch = Decode(BadPayloadPolicy.Fail, ("""{"symbol":"ACME"}""", [("tenant", "3"), ("trace-id", null)]));

        var row = Assert.Single(batch.Rows);
        Assert.Equal((3, null, null, null, null, null), (row.Tenant, row.TraceId, row.SentAt, row.Signature, row.Side, row.Urgent));
    }

    [Fact]
    public void A_missing_header_of_a_non_nullable_member_is_a_bad_row_naming_member_and_header()
    {
        using var batch = Decode(BadPayloadPolicy.Skip, ("""{"symbol":"ACME"}""", [("tenant", "4")]), ("""{"symbol":"ACME"}""", [("trace-id", "x")]));

        var error = Assert.Single(batch.Errors);
        Assert.Equal((1, Payloads.Topic, 1L), (error.Row, error.Topic, error.Offset));
        Assert.Equal("'Tenant': header 'tenant' is missing, and the member is not nullable", error.Reason);
        Assert.Equal(4, batch.Rows.First().Tenant);
    }

    [Fact]
    public void A_header_that_does_not_parse_fails_the_poll_under_Fail_naming_member_and_header()
    {
        var e = Assert.Throws<BadPayloadException>(() => Decode(BadPayloadPolicy.Fail, ("""{"symbol":"ACME"}""", [("tenant", "seven")])));

        Assert.EndsWith("partition 0, offset 0: 'Tenant': header 'tenant': expected an integer, got a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_headers_column_stays_out_of_the_batch_unless_asked_for()
    {
        var messages = MessageBatch(("""{"symbol":"ACME"}""", AllHeaders));
        var decoder = new TypedBatchDecoder<Traced, string>(BadPayloadPolicy.Skip);

        Assert.True(decoder.ReadsHeaders);
        using var batch = decoder.Decode(messages, (b, e, k, f) => new TypedBatch<Traced>(b, e, k, f));
        Assert.Equal(-1, batch.RecordBatch.Schema.GetFieldIndex("headers"));
        Assert.Equal("t-1", batch.Rows.Single().TraceId);

        var kept = new TypedBatchDecoder<Traced, string>(BadPayloadPolicy.Skip, headersColumn: true);
        using var withHeaders = kept.Decode(MessageBatch(("""{"symbol":"ACME"}""", AllHeaders)), (b, e, k, f) => new TypedBatch<Traced>(b, e, k, f));
        Assert.Equal(withHeaders.RecordBatch.Schema.FieldsList.Count - 1, withHeaders.RecordBatch.Schema.GetFieldIndex("headers"));
    }

    private static TypedBatch<Traced> Decode(BadPayloadPolicy policy, params (string Value, (string Key, string? Value)[] Headers)[] messages) =>
        new TypedBatchDecoder<Traced, string>(policy).Decode(MessageBatch(messages), (b, e, k, f) => new TypedBatch<Traced>(b, e, k, f));

    /// <summary>Messages with a headers column, as the consumer hands them over under IncludeHeaders.</summary>
    private static RecordBatch MessageBatch(params (string Value, (string Key, string? Value)[] Headers)[] messages)
    {
        using var plain = Payloads.MessageBatch(messages.Select(m => new Payload(m.Value)).ToList());
        var keys = new StringArray.Builder();
        var values = new BinaryArray.Builder();
        var offsets = new Int32Array.Builder().Append(0);
        var count = 0;
        foreach (var (_, headers) in messages)
        {
            foreach (var (key, value) in headers)
            {
                keys.Append(key);
                if (value is null)
                {
                    values.AppendNull();
                }
                else
                {
                    values.Append(Encoding.Latin1.GetBytes(value).AsSpan());
                }
            }

            count += headers.Length;
            offsets.Append(count);
        }

        var listType = (ListType)Schemas.HeadersField.DataType;
        var keysArray = keys.Build();
        var valuesArray = values.Build();
        var entries = new ArrayData(listType.ValueDataType, count, 0, 0, [ArrowBuffer.Empty], [keysArray.Data, valuesArray.Data]);
        var list = new ListArray(new ArrayData(listType, messages.Length, 0, 0, [ArrowBuffer.Empty, offsets.Build().ValueBuffer], [entries]));
        var columns = Enumerable.Range(0, plain.ColumnCount).Select(i => (IArrowArray)ArrowArrayFactory.BuildArray(plain.Column(i).Data.Retain())).Append(list);
        var schema = new Schema([.. Schemas.Message.FieldsList, Schemas.HeadersField], null);
        return new RecordBatch(schema, columns, messages.Length);
    }
}
