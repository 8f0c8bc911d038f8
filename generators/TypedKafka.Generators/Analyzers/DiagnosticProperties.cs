namespace TypedKafka.Generators.Analyzers;

/// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that the code fixes read.</summary>
internal static class DiagnosticProperties
{
    /// <summary>TK0007: the known time-zone id closest to the unknown one, when one is close enough.</summary>
    public const string SuggestedTimeZoneId = "SuggestedTimeZoneId";

    /// <summary>TK0005: where the seconds value sits, one of the <see cref="SecondsValueSites"/> values.</summary>
    public const string SecondsValueSite = "SecondsValueSite";
}

/// <summary>Values of <see cref="DiagnosticProperties.SecondsValueSite"/>: they decide which rewrites make sense.</summary>
internal static class SecondsValueSites
{
    /// <summary>The <c>long</c> argument of <c>SourceTopic.FromAbsoluteTime</c>: the <c>DateTimeOffset</c> overload is an alternative.</summary>
    public const string AbsoluteTimeArgument = "AbsoluteTimeArgument";

    /// <summary>The argument of <c>DateTimeOffset.FromUnixTimeMilliseconds</c>: <c>FromUnixTimeSeconds</c> is an alternative.</summary>
    public const string FromUnixTimeMillisecondsArgument = "FromUnixTimeMillisecondsArgument";

    /// <summary>Any other <c>long</c> in milliseconds (the <c>AbsoluteTime</c> record, <c>cutoffMs</c>): only multiplying fits.</summary>
    public const string Milliseconds = "Milliseconds";
}
