using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedKafka.Generators.Analyzers;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace TypedKafka.CodeFixes;

/// <summary>TK0007: replaces an unknown time-zone literal with the known id the analyzer found closest.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TimeZoneIdCodeFix))]
[Shared]
public sealed class TimeZoneIdCodeFix : CodeFixProvider
{
    public const string Key = "TypedKafka.UseKnownTimeZoneId";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.UnknownTimeZone];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            // Only a literal is rewritten in place; a const declared elsewhere is the user's to change.
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.SuggestedTimeZoneId, out var suggestion)
                || suggestion is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            var replacement = LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(suggestion)).WithTriviaFrom(literal);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use '{suggestion}'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))),
                    Key),
                diagnostic);
        }
    }
}
