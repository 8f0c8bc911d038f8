using System.Buffers;
using System.Globalization;
using System.Text;
using Apache.Arrow;

namespace TypedKafka.Cli.Output;

/// <summary>
/// <see cref="Schemas.Message"/> rows as CSV (RFC 4180, UTF-8, <c>\n</c> line ends), under the header
/// <c>topic,partition,offset,timestamp,key,key_encoding,value,value_encoding</c>. Bytes follow the rule
/// of the JSON lines (<see cref="MessageLines"/>): a key or value that is valid UTF-8 is written as
/// that text with encoding <c>utf8</c>, any other as base64 with encoding <c>base64</c>; a null one is an
/// empty field with an empty encoding (so an empty encoding, not an empty field, tells null from "").
/// The timestamp is ISO 8601 UTC with milliseconds. A field is quoted when it holds a comma, a quote,
/// a line break, or is an empty string.
/// </summary>
internal sealed class CsvMessages
{
    public static readonly byte[] Header = "topic,partition,offset,timestamp,key,key_encoding,value,value_encoding\n"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void Write(RecordBatch batch, Stream destination)
    {
        var rows = new MessageRows(batch);
        _buffer.Clear();
        for (var i = 0; i < batch.Length; i++)
        {
            Field(Encoding.UTF8.GetBytes(rows.Topic(i)));
            Ascii(string.Create(CultureInfo.InvariantCulture, $",{rows.Partition(i)},{rows.Offset(i)},{rows.Time(i)},"));
            Bytes(rows.Keys, i);
            _buffer.Write(","u8);
            Bytes(rows.Values, i);
            _buffer.Write("\n"u8);
        }

        destination.Write(_buffer.WrittenSpan);
    }

    private void Bytes(BinaryArray column, int row)
    {
        if (column.IsNull(row))
        {
            _buffer.Write(","u8);
            return;
        }

        var bytes = column.GetBytes(row);
        if (MessageRows.IsText(bytes))
        {
            Field(bytes);
            _buffer.Write(",utf8"u8);
        }
        else
        {
            Ascii(Convert.ToBase64String(bytes));
            _buffer.Write(",base64"u8);
        }
    }

    private void Field(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 0 && utf8.IndexOfAny(",\"\r\n"u8) < 0)
        {
            _buffer.Write(utf8);
            return;
        }

        _buffer.Write("\""u8);
        foreach (var b in utf8)
        {
            if (b == (byte)'"')
            {
                _buffer.Write("\"\""u8);
            }
            else
            {
                _buffer.GetSpan(1)[0] = b;
                _buffer.Advance(1);
            }
        }

        _buffer.Write("\""u8);
    }

    private void Ascii(string text)
    {
        var written = Encoding.ASCII.GetBytes(text, _buffer.GetSpan(text.Length));
        _buffer.Advance(written);
    }
}
