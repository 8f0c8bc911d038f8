using System.Collections.Generic;
using System.Globalization;

namespace TypedKafka.Generators.Messages.Emitters;

/// <summary>
/// Hands out identifiers that are unique within one generated class: a name already taken gets
/// the first free numeric suffix. Every identifier the emitter derives from member names comes
/// from here, so that a member named like another member's derived name (<c>Tags_items</c> beside
/// a list <c>Tags</c>) cannot produce a duplicate declaration.
/// </summary>
internal sealed class UniqueNameBuilder
{
    private readonly HashSet<string> _used = new(System.StringComparer.Ordinal);

    public UniqueNameBuilder(params string[] reserved)
    {
        foreach (var name in reserved)
        {
            _used.Add(name);
        }
    }

    /// <summary><paramref name="name"/> itself when free, else <paramref name="name"/> followed by the smallest number that makes it free.</summary>
    public string New(string name)
    {
        var candidate = name;
        for (var i = 1; _used.Contains(candidate); i++)
        {
            candidate = name + i.ToString(CultureInfo.InvariantCulture);
        }

        _used.Add(candidate);
        return candidate;
    }
}
