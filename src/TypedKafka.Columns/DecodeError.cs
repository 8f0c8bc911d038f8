using System.ComponentModel;
using System.Globalization;
using System.Text.Json;

namespace TypedKafka.Columns;

/// <summary>
/// Why a JSON value could not be decoded, and where: a member path such as <c>address.lines[2]</c>.
/// Created only on failure, so that decoding good payloads allocates nothing for errors.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DecodeError : IEquatable<DecodeError>
{
    private DecodeError(string path, string message)
    {
        Path = path;
        Message = message;
    }

    /// <summary>The member path from the message root; empty for the payload as a whole.</summary>
    public string Path { get; }

    /// <summary>What was wrong.</summary>
    public string Message { get; }

    /// <summary>Same path and message.</summary>
    public static bool operator ==(DecodeError left, DecodeError right) => left.Equals(right);

    /// <summary>Same path and message.</summary>
    public static bool operator !=(DecodeError left, DecodeError right) => !left.Equals(right);

    /// <summary>An error with no path yet.</summary>
    public static DecodeError Create(string message) => new(string.Empty, message);

    /// <summary>Expected <paramref name="what"/> (such as "a string"), found the reader's current token.</summary>
    public static DecodeError Expected(string what, ref Utf8JsonReader reader) =>
        new(string.Empty, $"expected {what}, got {Describe(ref reader)}");

    /// <summary>JSON null for a member that is not nullable.</summary>
    public static DecodeError NotNullable() => new(string.Empty, "null, but the member is not nullable");

    /// <summary>A member that is not nullable is absent from the object.</summary>
    public static DecodeError MissingMember() => new(string.Empty, "missing, and the member is not nullable");

    /// <summary>A member is given twice in one object.</summary>
    public static DecodeError DuplicateMember() => new(string.Empty, "given more than once");

    /// <summary>The same error, one member further from the root.</summary>
    public DecodeError Within(string member) =>
        new(Path.Length == 0 ? member : Path[0] == '[' ? member + Path : member + "." + Path, Message);

    /// <summary>The same error, inside item <paramref name="index"/> of a list.</summary>
    public DecodeError AtIndex(int index)
    {
        var item = "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        return new(Path.Length == 0 || Path[0] == '[' ? item + Path : item + "." + Path, Message);
    }

    /// <inheritdoc/>
    public override string ToString() => string.IsNullOrEmpty(Path) ? Message ?? string.Empty : $"'{Path}': {Message}";

    /// <inheritdoc/>
    public bool Equals(DecodeError other) => Path == other.Path && Message == other.Message;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DecodeError other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Path, Message);

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "the number " + System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString(),
    };
}
