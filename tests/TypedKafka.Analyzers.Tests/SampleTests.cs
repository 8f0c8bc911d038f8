using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;

namespace TypedKafka.Analyzers.Tests;

/// <summary>samples/AnalyzerMistakes keeps one deliberate mistake per rule, and each shows the diagnostic its comment names.</summary>
public class SampleTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "samples", "AnalyzerMistakes");

    [Fact]
    public async Task Every_rule_has_a_mistake_in_the_sample_and_each_line_shows_what_its_comment_says()
    {
        var mistakes = File.ReadAllText(Path.Combine(Folder, "Mistakes.cs"));
        var diagnostics = await AnalyzeAsync(OutputKind.DynamicallyLinkedLibrary, ("Mistakes.cs", mistakes));

        Assert.Equal(Descriptors.All.Select(d => d.Id), diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
        var lines = mistakes.Split('\n');
        Assert.All(diagnostics, d =>
        {
            var line = lines[d.Location.GetLineSpan().StartLinePosition.Line];
            Assert.Contains("// " + d.Id, line, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_sample_program_itself_is_clean()
    {
        var diagnostics = await AnalyzeAsync(OutputKind.ConsoleApplication, ("Program.cs", File.ReadAllText(Path.Combine(Folder, "Program.cs"))));
        Assert.Empty(diagnostics);
    }

    /// <summary>
    /// Compiles a sample file as the sample project does (implicit usings), with a plain Trade and a
    /// stand-in typed consumer: the real Trade gets its IArrowMessage implementation from the
    /// source generator, which this test does not run.
    /// </summary>
    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAsync(OutputKind kind, (string Path, string Text) file)
    {
        (string Path, string Text)[] files =
        [
            file,
            ("Usings.cs", "global using System; global using System.Collections.Generic; global using System.Linq;"),
            ("Trade.cs", "namespace AnalyzerMistakes { public sealed record Trade; }"),
            ("TypedConsumer.cs", Code.TypedConsumerStub),
        ];
        var compilation = CSharpCompilation.Create(
            "AnalyzerMistakes",
            files.Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path)),
            [.. TestReferences.Framework, TestReferences.TypedKafka, MetadataReference.CreateFromFile(typeof(Apache.Arrow.RecordBatch).Assembly.Location)],
            new CSharpCompilationOptions(kind));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        var analyzed = compilation.WithAnalyzers([new OffsetPolicyAnalyzer(), new ConsumerArgumentsAnalyzer()]);
        return [.. (await analyzed.GetAnalyzerDiagnosticsAsync()).OrderBy(d => d.Location.SourceSpan.Start)];
    }
}
