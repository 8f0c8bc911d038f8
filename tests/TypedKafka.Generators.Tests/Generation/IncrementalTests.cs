using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedKafka.Generators.Messages;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>
/// The pipeline caches: an edit that leaves every [KafkaMessage] type's model alone re-emits
/// nothing, and no pipeline step holds symbols, syntax or compilations (which would defeat the cache
/// and keep old compilations alive).
/// </summary>
public class IncrementalTests
{
    private const string Messages = """
        using System;
        using TypedKafka;

        namespace Shop;

        [KafkaMessage]
        public partial record Broken(object Anything);

        [KafkaMessage]
        public partial record Trade(string Symbol, double Price, DateTimeOffset TradeTime);
        """;

    private static readonly string[] TrackedSteps = [TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics];

    [Fact]
    public void An_unrelated_file_edit_reuses_every_output()
    {
        var compilation = GeneratorHarness.Compile(Messages, "namespace Shop; internal static class Helpers { }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Shop; internal static class Helpers { public static int Two() => 2; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllReused(result);
    }

    [Fact]
    public void An_edit_inside_a_message_type_that_keeps_its_members_reuses_the_generated_source()
    {
        var compilation = GeneratorHarness.Compile(Messages);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(
                Messages.Replace("double Price, DateTimeOffset TradeTime);", "double Price, DateTimeOffset TradeTime)\n{\n    public override string ToString() => Symbol;\n}", StringComparison.Ordinal),
                GeneratorHarness.ParseOptions,
                path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The parse step ran again for the edited node, found the same model, and stopped there.
        Assert.All(Outputs(result, TrackingNames.Specs).Concat(Outputs(result, TrackingNames.Diagnostics)), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Marking_an_event_time_regenerates_that_type_only()
    {
        var compilation = GeneratorHarness.Compile(Messages, "using TypedKafka; namespace Shop; [KafkaMessage] public partial record Other(int Id);");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText(Messages.Replace("DateTimeOffset TradeTime)", "[EventTime] DateTimeOffset TradeTime)", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var specs = result.TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(specs, o => o.Reason == IncrementalStepRunReason.Modified && ((Messages.Model.MessageSpec)o.Value).EventTime is { MemberIndex: 2 });
        Assert.Contains(specs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged && ((Messages.Model.MessageSpec)o.Value).Name == "Other");
    }

    [Fact]
    public void Adding_a_member_regenerates_that_type_only()
    {
        var compilation = GeneratorHarness.Compile(Messages, "using TypedKafka; namespace Shop; [KafkaMessage] public partial record Other(int Id);");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.First(),
            CSharpSyntaxTree.ParseText(Messages.Replace("DateTimeOffset TradeTime)", "DateTimeOffset TradeTime, string? Venue)", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var specs = result.TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(specs, o => o.Reason == IncrementalStepRunReason.Modified && ((Messages.Model.MessageSpec)o.Value).Name == "Trade");
        Assert.Contains(specs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged && ((Messages.Model.MessageSpec)o.Value).Name == "Other");
    }

    [Fact]
    public void Pipeline_outputs_hold_no_symbols_syntax_or_compilations()
    {
        var compilation = GeneratorHarness.Compile(Messages);
        var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Equal(TrackedSteps.Order(StringComparer.Ordinal), result.TrackedSteps.Keys.Where(k => k.StartsWith("KafkaMessage.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        // Roslyn's own steps of ForAttributeWithMetadataName hold syntax by design; ours must not.
        foreach (var step in TrackedSteps.SelectMany(name => result.TrackedSteps[name]))
        {
            foreach (var (value, _) in step.Outputs)
            {
                AssertNoCompilationObjects(value, step.Name ?? "(unnamed)", new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertAllReused(GeneratorRunResult result)
    {
        foreach (var name in TrackedSteps)
        {
            Assert.All(Outputs(result, name), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        }

        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static IEnumerable<IncrementalStepRunReason> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static void AssertNoCompilationObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location { IsInSource: true },
            $"{path} holds a {value.GetType().Name}");

        if (value is DiagnosticDescriptor)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                AssertNoCompilationObjects(item, path + "[]", seen);
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoCompilationObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
