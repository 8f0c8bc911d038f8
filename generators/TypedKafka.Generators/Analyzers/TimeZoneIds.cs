using System;
using System.Collections.Generic;
using System.Linq;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// The time-zone ids <c>FromStartOfDay</c> accepts, frozen into the analyzer (see TimeZoneIds.g.cs
/// for where they come from), and the nearest known id to an unknown one.
/// </summary>
internal static partial class TimeZoneIds
{
    public static bool IsKnown(string id) => Lookup.Known.Contains(id);

    /// <summary>
    /// The known id the user most plausibly meant, or null when none is close enough to suggest
    /// without guessing: the same id in other case or with spaces for underscores, then a unique
    /// IANA id whose city part matches, then a unique id within a small edit distance.
    /// </summary>
    public static string? Suggest(string id)
    {
        var wanted = Normalize(id);
        if (wanted.Length == 0)
        {
            return null;
        }

        if ((Unique(Iana.Where(known => Normalize(known) == wanted)) ?? Unique(Windows.Where(known => Normalize(known) == wanted))) is { } sameButCase)
        {
            return sameButCase;
        }

        if (wanted.IndexOf('/') < 0 && Unique(Iana.Where(known => Normalize(City(known)) == wanted)) is { } sameCity)
        {
            return sameCity;
        }

        // Close enough: about one typo per four characters, at most three.
        var allowed = Math.Min(3, Math.Max(1, wanted.Length / 4));
        string? best = null;
        var bestDistance = int.MaxValue;
        var tied = false;
        foreach (var known in Iana.Concat(Windows))
        {
            var distance = EditDistance(wanted, Normalize(known), Math.Min(bestDistance, allowed));
            if (distance < bestDistance)
            {
                (best, bestDistance, tied) = (known, distance, false);
            }
            else if (distance == bestDistance)
            {
                tied = true;
            }
        }

        return bestDistance <= allowed && !tied ? best : null;
    }

    private static string Normalize(string id) => id.Trim().Replace(' ', '_').ToUpperInvariant();

    private static string City(string ianaId) => ianaId.Substring(ianaId.LastIndexOf('/') + 1);

    private static string? Unique(IEnumerable<string> candidates)
    {
        string? found = null;
        foreach (var candidate in candidates)
        {
            if (found is not null)
            {
                return null;
            }

            found = candidate;
        }

        return found;
    }

    /// <summary>
    /// Optimal-string-alignment distance (insertions, deletions, substitutions and adjacent
    /// transpositions each cost one); stops early and returns a value above <paramref name="limit"/>
    /// once the distance must exceed it.
    /// </summary>
    internal static int EditDistance(string a, string b, int limit = int.MaxValue)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return int.MaxValue;
        }

        var previousPrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMinimum = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previousPrevious[j - 2] + 1);
                }

                current[j] = value;
                rowMinimum = Math.Min(rowMinimum, value);
            }

            if (rowMinimum > limit)
            {
                return int.MaxValue;
            }

            (previousPrevious, previous, current) = (previous, current, previousPrevious);
        }

        return previous[b.Length];
    }

    // A class of its own so that it is built after the arrays of the generated half are, whatever
    // order the compiler puts the two halves' field initializers in.
    private static class Lookup
    {
        public static readonly HashSet<string> Known = new(Iana.Concat(Windows), StringComparer.Ordinal);
    }
}
