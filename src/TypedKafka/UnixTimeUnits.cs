// Compiled into TypedKafka and, linked, into TypedKafka.Generators (netstandard2.0), so that the
// analyzers (TK0005, TK0011) and the parser of times given as text (TimeArgument) refuse the same
// numbers. Keep it free of anything netstandard2.0 lacks.
namespace TypedKafka;

/// <summary>The one rule for a Unix time in milliseconds that was almost certainly written in seconds.</summary>
internal static class UnixTimeUnits
{
    /// <summary>Values from here up to <see cref="SecondsRangeEnd"/> are 1970-01-12 to 1973-03-03 as Unix milliseconds, but 2001 to 5138 as Unix seconds.</summary>
    public const long SecondsRangeStart = 1_000_000_000;

    /// <inheritdoc cref="SecondsRangeStart"/>
    public const long SecondsRangeEnd = 100_000_000_000;

    public static bool LooksLikeSeconds(long milliseconds) => milliseconds is >= SecondsRangeStart and < SecondsRangeEnd;
}
