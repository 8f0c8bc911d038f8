using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace TypedKafka.Analyzers.Tests.Infrastructure;

/// <summary>Runs an analyzer over markup source (<c>{|TK0001:...|}</c> marks where a diagnostic is expected) compiled against TypedKafka.</summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Test { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.NoPackages;
            TestState.AdditionalReferences.AddRange(TestReferences.Framework);
            TestState.AdditionalReferences.Add(TestReferences.TypedKafka);
        }
    }
}

/// <summary>Runs an analyzer and applies one of its code fixes, comparing the result with the expected source.</summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <param name="equivalenceKey">Which of several offered fixes to apply; null for the only one.</param>
    public static Task VerifyFixAsync(string source, string fixedSource, string? equivalenceKey = null)
    {
        var test = new Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        return test.RunAsync();
    }

    public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = TestReferences.NoPackages;
            TestState.AdditionalReferences.AddRange(TestReferences.Framework);
            TestState.AdditionalReferences.Add(TestReferences.TypedKafka);
            FixedState.AdditionalReferences.AddRange(TestReferences.Framework);
            FixedState.AdditionalReferences.Add(TestReferences.TypedKafka);
        }
    }
}
