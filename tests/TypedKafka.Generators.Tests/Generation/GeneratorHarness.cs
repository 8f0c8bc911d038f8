using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedKafka.Generators.Messages;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>Runs the generator in memory over source text, against the same assemblies the tests run on.</summary>
internal static partial class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("TypedKafka.Generators", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Messages",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the SDK does: Apache.Arrow was built against an older framework.
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            [new KafkaMessageGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; the output compilation must have no errors unless the generator reported some.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var compilation = Compile(sources);
        Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = Driver().RunGenerators(compilation).GetRunResult().Results.Single();
        if (diagnostics.IsEmpty)
        {
            var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(errors.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", errors));
        }

        return (result, output);
    }

    /// <summary>The generated source with the generator's version scrubbed, for snapshots.</summary>
    public static string Scrub(string source) => VersionPattern().Replace(source, "\"TypedKafka.Generators\", \"<version>\"");

    [GeneratedRegex("\"TypedKafka\\.Generators\", \"[0-9.]+\"")]
    private static partial Regex VersionPattern();
}
