using System.ComponentModel;
using System.Text.Json;

namespace TypedKafka.Columns;

/// <summary>
/// The <c>EventTimeAttribute</c> member of a [KafkaMessage] type: where its column is and how
/// its value is read from a payload before the payload is decoded. Support for generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EventTimeMember
{
    /// <param name="name">The C# member, named in bad-row reasons.</param>
    /// <param name="column">Its column's index in the type's Arrow schema.</param>
    /// <param name="read">Reads it from a UTF-8 JSON value, as Unix ms; null when absent or unreadable.</param>
    public EventTimeMember(string name, int column, MessageTimestamp read)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(read);
        Name = name;
        Column = column;
        Read = read;
    }

    /// <summary>The C# member marked [EventTime].</summary>
    public string Name { get; }

    /// <summary>Its column's index in the type's Arrow schema.</summary>
    public int Column { get; }

    /// <summary>Reads the event time from a message's value; key and headers are not looked at.</summary>
    public MessageTimestamp Read { get; }
}

/// <summary>
/// Reads one top-level member of a UTF-8 JSON object as an event time, skipping every other value
/// without decoding it: the consumer needs the time to order a message long before the message is
/// decoded. Parses exactly as the member's column does, so that both agree on every payload.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventTimeReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>An ISO 8601 date and time (UTC when it has no offset), as Unix ms rounded down; null when absent, null or unreadable.</summary>
    public static long? ReadTimestamp(ReadOnlySpan<byte> value, ReadOnlySpan<byte> member) => Read(value, member, unixMilliseconds: false);

    /// <summary>An integer of Unix ms; null when absent, null or unreadable.</summary>
    public static long? ReadUnixMilliseconds(ReadOnlySpan<byte> value, ReadOnlySpan<byte> member) => Read(value, member, unixMilliseconds: true);

    private static long? Read(ReadOnlySpan<byte> value, ReadOnlySpan<byte> member, bool unixMilliseconds)
    {
        try
        {
            var reader = new Utf8JsonReader(value, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // ValueTextEquals unescapes the name as the decoder's matching does.
                var found = reader.ValueTextEquals(member);
                reader.Read();
                if (!found)
                {
                    reader.Skip();
                    continue;
                }

                if (unixMilliseconds)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ms) ? ms : null;
                }

                return TimestampColumn.TryReadUtc(ref reader, out var time)
                    ? Math.DivRem(time.UtcTicks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMillisecond, out var remainder) - (remainder < 0 ? 1 : 0)
                    : null;
            }

            return null;
        }
        catch (JsonException)
        {
            // Malformed before the member was reached: the decoder will say what is wrong.
            return null;
        }
    }
}
