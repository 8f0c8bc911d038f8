using System.Diagnostics;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using TypedKafka.Telemetry;

namespace TypedKafka.Tests.Telemetry;

/// <summary>
/// Producer trace contexts read from a <c>headers</c> column of the shape ConsumerOptions.IncludeHeaders
/// gives (<c>list&lt;struct&lt;key: utf8, value: binary&gt;&gt;</c>), built here by hand.
/// </summary>
public sealed class ProducerLinksTests
{
    private const string First = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string Second = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    [Fact]
    public void A_traceparent_header_becomes_a_remote_link_with_its_tracestate()
    {
        using var batch = Headers([("traceparent", First), ("tracestate", "vendor=abc")]);

        var link = Assert.Single(ProducerLinks.Read([batch])!);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", link.Context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", link.Context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, link.Context.TraceFlags);
        Assert.Equal("vendor=abc", link.Context.TraceState);
        Assert.True(link.Context.IsRemote);
    }

    [Fact]
    public void Messages_of_one_producer_context_give_one_link_and_rows_without_one_give_none()
    {
        using var batch = Headers(
            [("content-type", "json"), ("traceparent", First)],
            [],
            [("traceparent", First)],
            [("traceparent", "not a trace context")],
            [("traceparent", null)],
            [("tenant", "a"), ("traceparent", Second)]);

        var links = ProducerLinks.Read([batch])!;

        Assert.Equal(["0af7651916cd43dd8448eb211c80319c", "4bf92f3577b34da6a3ce929d0e0e4736"], links.Select(l => l.Context.TraceId.ToHexString()));
    }

    [Fact]
    public void Links_are_read_across_the_batches_of_a_window_and_capped()
    {
        var rows = Enumerable.Range(0, 200)
            .Select(i => new[] { ("traceparent", (string?)$"00-{i + 1:x32}-{i + 1:x16}-01") })
            .ToArray();
        using var first = Headers(rows[..100]);
        using var second = Headers(rows[100..]);

        var links = ProducerLinks.Read([first, second])!;

        Assert.Equal(ProducerLinks.MaxLinks, links.Count);
        Assert.Equal($"{ProducerLinks.MaxLinks:x32}", links[^1].Context.TraceId.ToHexString());
    }

    [Fact]
    public void A_batch_without_a_headers_column_gives_no_links()
    {
        var schema = new Schema.Builder().Field(new Field("value", BinaryType.Default, nullable: true)).Build();
        using var batch = new RecordBatch(schema, [new BinaryArray.Builder().Append("v"u8).Build()], 1);

        Assert.Null(ProducerLinks.Read([batch]));
    }

    /// <summary>One row per argument, each a message's headers in order; a null value is a header with no value.</summary>
    internal static RecordBatch Headers(params (string Key, string? Value)[][] rows)
    {
        var keys = new StringArray.Builder();
        var values = new BinaryArray.Builder();
        var offsets = new ArrowBuffer.Builder<int>().Append(0);
        var entries = 0;
        foreach (var row in rows)
        {
            foreach (var (key, value) in row)
            {
                keys.Append(key);
                if (value is null)
                {
                    values.AppendNull();
                }
                else
                {
                    values.Append(Encoding.UTF8.GetBytes(value));
                }

                entries++;
            }

            offsets.Append(entries);
        }

        var entryType = new StructType([new Field("key", StringType.Default, nullable: false), new Field("value", BinaryType.Default, nullable: true)]);
        var listType = new ListType(new Field("item", entryType, nullable: false));
        var list = new ListArray(listType, rows.Length, offsets.Build(), new StructArray(entryType, entries, [keys.Build(), values.Build()], ArrowBuffer.Empty), ArrowBuffer.Empty);
        var schema = new Schema.Builder().Field(new Field(ProducerLinks.HeadersColumn, listType, nullable: true)).Build();
        return new RecordBatch(schema, [list], rows.Length);
    }
}
