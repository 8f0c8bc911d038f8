using System.ComponentModel;
using System.Text;

namespace TypedKafka.Columns;

/// <summary>
/// The members of an enum, listed by the generator at compile time: names (as stored) and values.
/// Names are matched on UTF-8 bytes, exactly first, then ignoring ASCII case.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EnumMembers
{
    private readonly byte[][] _names;
    private readonly long[] _values;

    /// <param name="enumName">The enum's name, for error messages.</param>
    /// <param name="names">Member names as stored, in declaration order.</param>
    /// <param name="values">Member values, in the same order.</param>
    public EnumMembers(string enumName, string[] names, long[] values)
    {
        ArgumentNullException.ThrowIfNull(enumName);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (names.Length != values.Length)
        {
            throw new ArgumentException("Every name needs a value.", nameof(values));
        }

        EnumName = enumName;
        _names = Array.ConvertAll(names, Encoding.UTF8.GetBytes);
        _values = values;
    }

    /// <summary>The enum's name, for error messages.</summary>
    public string EnumName { get; }

    /// <summary>The name of the member at <paramref name="index"/> as stored, UTF-8.</summary>
    public ReadOnlySpan<byte> Utf8Name(int index) => _names[index];

    /// <summary>How many members the enum has.</summary>
    public int Count => _names.Length;

    internal long Value(int index) => _values[index];

    /// <summary>The index of the member named <paramref name="name"/> (UTF-8; exactly, else ignoring ASCII case), or -1.</summary>
    public int IndexOfName(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (name.SequenceEqual(_names[i]))
            {
                return i;
            }
        }

        for (var i = 0; i < _names.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(name, _names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    internal int IndexOfValue(long value) => Array.IndexOf(_values, value);

    internal string NotAMember(ReadOnlySpan<byte> name) => $"'{Encoding.UTF8.GetString(name)}' is not a member of {EnumName}";

    /// <summary>The value of the member stored under <paramref name="utf8Name"/>, for materialization.</summary>
    public long ValueOf(ReadOnlySpan<byte> utf8Name)
    {
        var index = IndexOfName(utf8Name);
        return index >= 0
            ? _values[index]
            : throw new InvalidOperationException($"{NotAMember(utf8Name)}: the column does not hold this enum's names.");
    }
}
