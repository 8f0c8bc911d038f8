using System.Text.Json;
using System.Text.Unicode;

namespace TypedKafka.Columns;

/// <summary>The text of a JSON string token as UTF-8 bytes, unescaped only when it has escapes.</summary>
internal static class JsonText
{
    /// <summary>
    /// The string's bytes: the token itself when it has no escapes (checked to be valid UTF-8, which
    /// the reader does not check), or its unescaped copy in <paramref name="scratch"/>.
    /// </summary>
    public static bool TryUnescape(ref Utf8JsonReader reader, ref byte[] scratch, out ReadOnlySpan<byte> text)
    {
        if (!reader.ValueIsEscaped)
        {
            text = reader.ValueSpan;
            return Utf8.IsValid(text);
        }

        if (scratch.Length < reader.ValueSpan.Length)
        {
            scratch = new byte[Math.Max(reader.ValueSpan.Length, scratch.Length * 2)];
        }

        var ok = TryCopyString(ref reader, scratch, out var written);
        text = scratch.AsSpan(0, written);
        return ok;
    }

    /// <summary>Unescapes into <paramref name="destination"/>, which is at least as long as the escaped token.</summary>
    public static bool TryCopyString(ref Utf8JsonReader reader, scoped Span<byte> destination, out int written)
    {
        try
        {
            // Unescaped text is never longer than escaped text; CopyString also checks the UTF-8 and the escapes.
            written = reader.CopyString(destination);
            return true;
        }
        catch (InvalidOperationException)
        {
            written = 0;
            return false;
        }
    }
}
