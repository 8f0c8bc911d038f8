using System.ComponentModel;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Columns;

/// <summary>
/// One column that JSON values are appended to, row by row, and that builds an Arrow array of
/// the rows appended since the last build. Reused from batch to batch: its managed buffers only
/// grow, so that decoding allocates nothing per row once they are large enough.
/// Support for generated code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ArrowColumn
{
    private protected ValidityBitmap _validity;

    private protected ArrowColumn(IArrowType type, bool nullable)
    {
        Type = type;
        IsNullable = nullable;
    }

    /// <summary>The Arrow type of the arrays this column builds.</summary>
    public IArrowType Type { get; }

    /// <summary>Whether JSON null is accepted; when not, null is a decode error.</summary>
    public bool IsNullable { get; }

    /// <summary>Rows appended since the last build.</summary>
    public int Length => _validity.Length;

    /// <summary>Appends the JSON value the reader is on (its first token for an array or object, which it reads to the end).</summary>
    public bool TryAppend(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            if (IsNullable)
            {
                AppendNull();
                error = default;
                return true;
            }

            error = DecodeError.NotNullable();
            return false;
        }

        return TryAppendValue(ref reader, out error);
    }

    /// <summary>Appends a null, or a placeholder under a null parent.</summary>
    public abstract void AppendNull();

    /// <summary>Drops the rows after the first <paramref name="length"/>: undoes a row that failed half way.</summary>
    public abstract void Truncate(int length);

    /// <summary>The rows appended since the last build, as an Arrow array in native memory; the column starts over, empty.</summary>
    public IArrowArray Build() => ArrowArrayFactory.BuildArray(BuildData());

    private protected abstract bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error);

    /// <summary>Whether <see cref="TryAppendPlain"/> reads this column's values: <see cref="PlainJsonObject"/> reads only types whose every column does.</summary>
    internal virtual bool ReadsPlainValues => false;

    /// <summary>
    /// Appends a value given by its text: the text of a number, the content of a string (no escapes
    /// or control characters), or a true or false literal. <see cref="PlainJsonObject"/> appends
    /// through it, and so does the reader path wherever it has the same text, so that a value reads
    /// alike both ways. False, with nothing appended, for a value of another kind or out of range:
    /// the reader path then names the error.
    /// </summary>
    internal virtual bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text) => false;

    internal abstract ArrayData BuildData();
}
