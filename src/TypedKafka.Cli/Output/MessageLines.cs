using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Apache.Arrow;

namespace TypedKafka.Cli.Output;

/// <summary>
/// Rows of a <see cref="Schemas.Message"/> batch as lines, one per message.
/// <para>Text: <c>TIME TOPIC[PARTITION]@OFFSET KEY VALUE</c>. A key or value is shown as itself when it is
/// valid UTF-8 of printable characters and does not begin with <c>0x</c>; otherwise as <c>0x</c> and
/// lowercase hex. A missing (null) one is <c>(null)</c>, an empty one <c>""</c>.</para>
/// <para>JSON lines: <c>{"topic","partition","offset","timestamp","key","key_encoding","value","value_encoding"}</c>.
/// A key or value that is valid UTF-8 is a JSON string with encoding <c>"utf8"</c>; any other is base64
/// with encoding <c>"base64"</c>; a null one is null with encoding null.</para>
/// </summary>
internal sealed class MessageLines(bool json)
{
    // Readable, not HTML-safe: the lines go to a terminal or a pipe, never into a page.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly StringBuilder _text = new();

    /// <summary>The first <paramref name="rows"/> rows of <paramref name="batch"/>, each line ending in a newline.</summary>
    public string Format(RecordBatch batch, int rows)
    {
        Fill(batch, rows);
        return json ? Encoding.UTF8.GetString(_buffer.WrittenSpan) : _text.ToString();
    }

    /// <summary>Every row of <paramref name="batch"/> as JSON lines, in UTF-8, to <paramref name="destination"/> (<c>replay --out FILE.jsonl</c>).</summary>
    public void WriteJson(RecordBatch batch, Stream destination)
    {
        if (!json)
        {
            throw new InvalidOperationException("These lines are text, not JSON.");
        }

        Fill(batch, batch.Length);
        destination.Write(_buffer.WrittenSpan);
    }

    private void Fill(RecordBatch batch, int rows)
    {
        var columns = new MessageRows(batch);
        var (keys, values) = (columns.Keys, columns.Values);
        _text.Clear();
        _buffer.Clear();
        using var writer = new Utf8JsonWriter(_buffer, JsonOptions);
        for (var i = 0; i < rows; i++)
        {
            var topic = columns.Topic(i);
            var partition = columns.Partition(i);
            var offset = columns.Offset(i);
            var time = columns.Time(i);
            if (json)
            {
                writer.Reset();
                writer.WriteStartObject();
                writer.WriteString("topic", topic);
                writer.WriteNumber("partition", partition);
                writer.WriteNumber("offset", offset);
                writer.WriteString("timestamp", time);
                WriteBytes(writer, "key", keys, i);
                WriteBytes(writer, "value", values, i);
                writer.WriteEndObject();
                writer.Flush();
                _buffer.Write("\n"u8);
            }
            else
            {
                _text.Append(CultureInfo.InvariantCulture, $"{time} {topic}[{partition}]@{offset} {Text(keys, i)} {Text(values, i)}\n");
            }
        }
    }

    /// <summary>A key or value as the text format shows it.</summary>
    public static string Text(BinaryArray column, int row)
    {
        if (column.IsNull(row))
        {
            return "(null)";
        }

        var bytes = column.GetBytes(row);
        if (bytes.Length == 0)
        {
            return "\"\"";
        }

        // Text that begins with 0x is shown as hex too, so that 0x always means hex.
        if (Utf8.IsValid(bytes) && !bytes.StartsWith("0x"u8))
        {
            var text = Encoding.UTF8.GetString(bytes);
            if (IsPrintable(text))
            {
                return text;
            }
        }

        return "0x" + Convert.ToHexStringLower(bytes);
    }

    // Control characters would break the line or drive the terminal; format characters (bidirectional
    // overrides) and line separators would make a line show something other than what it holds.
    private static bool IsPrintable(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteBytes(Utf8JsonWriter writer, string name, BinaryArray column, int row)
    {
        if (column.IsNull(row))
        {
            writer.WriteNull(name);
            writer.WriteNull(name + "_encoding");
            return;
        }

        var bytes = column.GetBytes(row);
        if (MessageRows.IsText(bytes))
        {
            writer.WriteString(name, bytes);
            writer.WriteString(name + "_encoding", "utf8");
        }
        else
        {
            writer.WriteBase64String(name, bytes);
            writer.WriteString(name + "_encoding", "base64");
        }
    }
}
