namespace TypedKafka.Generators.Analyzers;

/// <summary>Where each diagnostic is explained: one section of docs/diagnostics.md per id, anchored by the lower-case id.</summary>
internal static class HelpLinks
{
    public const string DiagnosticsPage = "https://github.com/typedkafka/typedkafka/blob/main/docs/diagnostics.md";

    public static string For(string diagnosticId) => DiagnosticsPage + "#" + diagnosticId.ToLowerInvariant();
}
