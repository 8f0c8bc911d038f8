using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using TypedKafka.Cli.Commands;
using Table = Spectre.Console.Table;

namespace TypedKafka.Cli.Output;

/// <summary><c>typedkafka topics</c> output: a table for terminals, aligned plain text when redirected, or one JSON document.</summary>
internal static class TopicsOutput
{
    private static readonly string[] Headers = ["topic", "partition", "leader", "low", "high", "messages"];
    private static readonly string[] TimeHeaders = ["first", "last"];

    public static IRenderable Table(IReadOnlyList<PartitionSummary> partitions, bool withTimes)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("topic");
        foreach (var header in Headers.Skip(1))
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        if (withTimes)
        {
            table.AddColumns(TimeHeaders);
        }

        foreach (var row in partitions)
        {
            table.AddRow([.. Cells(row, withTimes).Select(Markup.Escape)]);
        }

        return table;
    }

    /// <summary>Columns separated by two spaces, numbers right-aligned: readable, and split by whitespace in scripts (times have no spaces).</summary>
    public static void WritePlain(TextWriter writer, IReadOnlyList<PartitionSummary> partitions, bool withTimes)
    {
        string[] headers = withTimes ? [.. Headers, .. TimeHeaders] : Headers;
        var rows = partitions.Select(p => Cells(p, withTimes)).Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, c) => c is > 0 and < 6 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            writer.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    /// <summary>
    /// <c>{"topics":[{"name","messages","partitions":[{"partition","leader","low","high","messages","first","last"}]}]}</c>;
    /// <c>first</c>/<c>last</c> (with --times only) are <c>{"offset","timestamp"}</c> or null, the timestamp an ISO 8601 UTC string or null.
    /// </summary>
    public static void WriteJson(TextWriter writer, IReadOnlyList<PartitionSummary> partitions, bool withTimes)
    {
        using var buffer = new MemoryStream();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("topics");
        foreach (var topic in partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", topic.Key);
            json.WriteNumber("messages", topic.Sum(p => p.Messages));
            json.WriteStartArray("partitions");
            foreach (var p in topic)
            {
                json.WriteStartObject();
                json.WriteNumber("partition", p.Partition);
                json.WriteNumber("leader", p.Leader);
                json.WriteNumber("low", p.Low);
                json.WriteNumber("high", p.High);
                json.WriteNumber("messages", p.Messages);
                if (withTimes)
                {
                    WriteMessage(json, "first", p.First);
                    WriteMessage(json, "last", p.Last);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, MessageAt? message)
    {
        if (message is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("offset", message.Offset);
        if (message.Timestamp is { } time)
        {
            json.WriteString("timestamp", TimeText.Iso(time));
        }
        else
        {
            json.WriteNull("timestamp");
        }

        json.WriteEndObject();
    }

    private static string[] Cells(PartitionSummary p, bool withTimes)
    {
        string[] cells = [p.Topic, .. new long[] { p.Partition, p.Leader, p.Low, p.High, p.Messages }.Select(n => n.ToString(CultureInfo.InvariantCulture))];
        return withTimes ? [.. cells, Describe(p, p.First), Describe(p, p.Last)] : cells;
    }

    private static string Describe(PartitionSummary p, MessageAt? message) => message switch
    {
        _ when p.Messages == 0 => "empty",
        null => "unknown",
        { Timestamp: { } time } => TimeText.Iso(time),
        _ => "no-timestamp",
    };
}
