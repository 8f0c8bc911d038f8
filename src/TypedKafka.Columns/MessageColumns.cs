using System.ComponentModel;
using System.Text.Json;
using Apache.Arrow;

namespace TypedKafka.Columns;

/// <summary>
/// The columns of one [KafkaMessage] type, one row per decoded JSON object. The generator derives
/// a class per type that lists the columns and reads an object's members into them, matching
/// member names on UTF-8 bytes. Support for generated code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class MessageColumns
{
    private readonly ArrowColumn[] _columns;
    private byte[] _nameScratch = new byte[64];
    private byte[] _headerScratch = new byte[64];
    private MessageHeaders _headers;

    // Made on first use, since it asks the derived class for its names and format.
    private PlainJsonObject? _plain;

    /// <param name="names">The column names, in member declaration order.</param>
    /// <param name="columns">The columns, in the same order.</param>
    protected MessageColumns(string[] names, ArrowColumn[] columns)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        if (names.Length != columns.Length)
        {
            throw new ArgumentException("Every column needs a name.", nameof(columns));
        }

        _columns = columns;
        var fields = new Field[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            fields[i] = new Field(names[i], columns[i].Type, columns[i].IsNullable);
        }

        Fields = fields;
    }

    /// <summary>One field per member, in declaration order.</summary>
    public IReadOnlyList<Field> Fields { get; }

    /// <summary>
    /// The name each member has in the value (JSON member or Avro field), in declaration order, null
    /// for a member read from a header; null as a whole when every member's is its column name.
    /// </summary>
    public virtual IReadOnlyList<string?>? PayloadNames => null;

    /// <summary>How the type's values are encoded (<c>[KafkaMessage(Format = ...)]</c>).</summary>
    public virtual KafkaFormat Format => KafkaFormat.Json;

    /// <summary>One column per member, in declaration order, for code that walks the columns.</summary>
    public IReadOnlyList<ArrowColumn> Columns => _columns;

    /// <summary>Rows appended since the last build.</summary>
    public int Length { get; private set; }

    /// <summary>
    /// Reads the JSON object the reader is on into one new row. On failure nothing of the row is
    /// kept; the reader is then somewhere inside the object and the payload is done with.
    /// </summary>
    public bool TryRead(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = DecodeError.Expected("an object", ref reader);
            return false;
        }

        var start = Length;
        if (!ReadObject(ref reader, out error))
        {
            Truncate(start);
            return false;
        }

        Length++;
        return true;
    }

    /// <summary>
    /// Reads a whole JSON payload into one new row without a JSON reader, when it is laid out as
    /// producers write one: every member in declaration order, each value a string without escapes,
    /// a number, true, false or null, and the type's members all such scalars. False, with nothing
    /// of the row kept, for any other payload: read it with <see cref="TryRead(ref Utf8JsonReader, out DecodeError)"/>,
    /// which reads it (or rejects it) as it reads every payload. A payload read here reads to the same row there.
    /// </summary>
    public bool TryReadPlain(ReadOnlySpan<byte> json)
    {
        _plain ??= PlainJsonObject.For(this) ?? PlainJsonObject.None;
        if (ReferenceEquals(_plain, PlainJsonObject.None))
        {
            return false;
        }

        var start = Length;
        if (!_plain.TryRead(json))
        {
            Truncate(start);
            return false;
        }

        Length++;
        return true;
    }

    /// <summary>Whether some members are read from Kafka headers ([KafkaHeader]): then rows are read with <see cref="TryRead(ref Utf8JsonReader, MessageHeaders, out DecodeError)"/>.</summary>
    public virtual bool ReadsHeaders => false;

    /// <summary>Reads the JSON object the reader is on, and the header members from <paramref name="headers"/>, into one new row.</summary>
    public bool TryRead(ref Utf8JsonReader reader, MessageHeaders headers, out DecodeError error)
    {
        _headers = headers;
        try
        {
            return TryRead(ref reader, out error);
        }
        finally
        {
            _headers = default;
        }
    }

    /// <summary>A row with every member null (and every nested column holding a placeholder).</summary>
    public void AppendNullRow()
    {
        foreach (var column in _columns)
        {
            column.AppendNull();
        }

        Length++;
    }

    /// <summary>Drops the rows after the first <paramref name="length"/>.</summary>
    public void Truncate(int length)
    {
        foreach (var column in _columns)
        {
            column.Truncate(length);
        }

        Length = length;
    }

    /// <summary>The Unix ms that row <paramref name="row"/> (since the last build) holds in the [EventTime] member's column, or null.</summary>
    public long? EventTimeAt(int column, int row) => _columns[column] switch
    {
        TimestampColumn times => times.TryGetValue(row, out var microseconds) ? Math.DivRem(microseconds, 1000, out var rest) - (rest < 0 ? 1 : 0) : null,
        NumberColumn<long> numbers => numbers.TryGetValue(row, out var milliseconds) ? milliseconds : null,
        var other => throw new InvalidOperationException($"Column {column} ({other.Type}) cannot hold an event time."),
    };

    /// <summary>The rows appended since the last build, one array per member; the columns start over, empty.</summary>
    public IArrowArray[] Build() => System.Array.ConvertAll(BuildData(), ArrowArrayFactory.BuildArray);

    internal ArrayData[] BuildData()
    {
        var data = new ArrayData[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            data[i] = _columns[i].BuildData();
        }

        Length = 0;
        return data;
    }

    /// <summary>
    /// Reads the members of the object the reader is on (its StartObject token) up to its EndObject,
    /// appending exactly one value to every column, or fails.
    /// </summary>
    protected abstract bool ReadObject(ref Utf8JsonReader reader, out DecodeError failure);

    /// <summary>The name of the property the reader is on, unescaped only when it has escapes.</summary>
    protected ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (_nameScratch.Length < reader.ValueSpan.Length)
        {
            _nameScratch = new byte[reader.ValueSpan.Length * 2];
        }

        // A name with a bad escape matches no member and is skipped with its value.
        return JsonText.TryCopyString(ref reader, _nameScratch, out var written) ? _nameScratch.AsSpan(0, written) : default;
    }

    /// <summary>Reads a member's value into its column, naming the member on failure.</summary>
    protected static bool ReadMember(ArrowColumn column, string member, ref Utf8JsonReader reader, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.TryAppend(ref reader, out error))
        {
            return true;
        }

        error = error.Within(member);
        return false;
    }

    /// <summary>A member that the object did not have: null when the member is nullable, an error otherwise.</summary>
    protected static bool MissingMember(ArrowColumn column, string member, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.IsNullable)
        {
            column.AppendNull();
            error = default;
            return true;
        }

        error = DecodeError.MissingMember().Within(member);
        return false;
    }

    /// <summary>
    /// Reads a [KafkaHeader] member from the last header named <paramref name="header"/> (UTF-8): a
    /// string column takes the header's text, a binary column its bytes, any other column the text
    /// read as a JSON scalar (a number, true, false, null) or else as a JSON string's content (a time,
    /// a Guid, an enum name). A missing or null header is null for a nullable member, an error otherwise.
    /// </summary>
    protected bool ReadHeader(ArrowColumn column, ReadOnlySpan<byte> header, string member, out DecodeError error)
    {
        ArgumentNullException.ThrowIfNull(column);
        var found = _headers.TryGetLast(header, out var value, out var isNull);
        if (!found || isNull)
        {
            if (column.IsNullable)
            {
                column.AppendNull();
                error = default;
                return true;
            }

            error = HeaderError(header, found ? "is null, and the member is not nullable" : "is missing, and the member is not nullable").Within(member);
            return false;
        }

        switch (column)
        {
            case StringColumn text:
                if (!System.Text.Unicode.Utf8.IsValid(value))
                {
                    error = HeaderError(header, "is not valid UTF-8").Within(member);
                    return false;
                }

                text.Append(value);
                error = default;
                return true;
            case BinaryColumn bytes:
                bytes.Append(value);
                error = default;
                return true;
        }

        var json = value;
        if (!IsJsonScalar(value))
        {
            if (value.IndexOfAny((byte)'"', (byte)'\\') >= 0 || value.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
            {
                // Quoting such text would take escaping, and no time, Guid or enum name contains these.
                error = HeaderError(header, "holds a quote, a backslash or a control character, which no value of the member's type has").Within(member);
                return false;
            }

            if (_headerScratch.Length < value.Length + 2)
            {
                _headerScratch = new byte[(value.Length + 2) * 2];
            }

            _headerScratch[0] = (byte)'"';
            value.CopyTo(_headerScratch.AsSpan(1));
            _headerScratch[value.Length + 1] = (byte)'"';
            json = _headerScratch.AsSpan(0, value.Length + 2);
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (column.TryAppend(ref reader, out error))
        {
            return true;
        }

        error = DecodeError.Create($"header '{System.Text.Encoding.UTF8.GetString(header)}': {error}").Within(member);
        return false;
    }

    private static DecodeError HeaderError(ReadOnlySpan<byte> header, string message) =>
        DecodeError.Create($"header '{System.Text.Encoding.UTF8.GetString(header)}' {message}");

    /// <summary>Whether the text is exactly one JSON number, true, false or null.</summary>
    private static bool IsJsonScalar(ReadOnlySpan<byte> text)
    {
        try
        {
            var reader = new Utf8JsonReader(text);
            return reader.Read()
                && reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null
                && reader.BytesConsumed == text.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A member given twice in one object: a column holds one value per row, so which one would be a guess.</summary>
    protected static bool DuplicateMember(string member, out DecodeError error)
    {
        error = DecodeError.DuplicateMember().Within(member);
        return false;
    }
}

/// <summary>Reads rows of a [KafkaMessage] type's member columns back into instances. Support for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class MessageReader<T>
{
    /// <summary>The instance in row <paramref name="row"/>.</summary>
    public abstract T Read(int row);
}

/// <summary>Reaches a [KafkaMessage] type's static members from generated code (explicit implementations have no name to call).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ArrowMessage
{
    /// <summary>The schema of <typeparamref name="T"/>'s members.</summary>
    public static Schema SchemaOf<T>()
        where T : IArrowMessage<T> => T.ArrowSchema;

    /// <summary>New, empty columns for <typeparamref name="T"/>.</summary>
    public static MessageColumns CreateColumns<T>()
        where T : IArrowMessage<T> => T.CreateColumns();

    /// <summary>
    /// <typeparamref name="T"/>'s [EventTime] member, or null: its <see cref="EventTimeMember.Read"/> can serve as
    /// <c>ConsumerOptions.Timestamp</c> of a raw <c>ConsumerManager</c>.
    /// </summary>
    public static EventTimeMember? EventTimeOf<T>()
        where T : IArrowMessage<T> => T.EventTime;

    /// <summary>A reader of <typeparamref name="T"/> over its member columns.</summary>
    public static MessageReader<T> CreateReader<T>(IReadOnlyList<IArrowArray> columns)
        where T : IArrowMessage<T> => T.CreateReader(columns);
}
