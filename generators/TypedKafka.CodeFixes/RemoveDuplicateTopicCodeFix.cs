using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedKafka.Generators.Analyzers;

namespace TypedKafka.CodeFixes;

/// <summary>TK0009: removes the repeated entry from the topic list, keeping the first one and its policy.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveDuplicateTopicCodeFix))]
[Shared]
public sealed class RemoveDuplicateTopicCodeFix : CodeFixProvider
{
    public const string Key = "TypedKafka.RemoveDuplicateTopic";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.DuplicateTopic];

    // Repeats often sit next to each other in one list, where separate text edits would collide:
    // fixing all removes every repeat of a document in one tree edit.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(RemoveAllAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax element
                || Removable(element) is not { } removable)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Remove the repeated topic", token => RemoveAsync(context.Document, removable, token), Key),
                diagnostic);
        }
    }

    /// <summary>The node to take out of its list: the element of a collection expression, or the expression of an array or collection initializer.</summary>
    private static SyntaxNode? Removable(ExpressionSyntax element) => element.Parent switch
    {
        ExpressionElementSyntax { Parent: CollectionExpressionSyntax } collectionElement => collectionElement,
        InitializerExpressionSyntax => element,
        _ => null,
    };

    private static Task<Document> RemoveAsync(Document document, SyntaxNode removable, CancellationToken cancellationToken) =>
        RemoveAllAsync(document, [removable], cancellationToken);

    private static async Task<Document?> RemoveAllAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var removables = ImmutableArray.CreateBuilder<SyntaxNode>(diagnostics.Length);
        foreach (var diagnostic in diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax element && Removable(element) is { } removable)
            {
                removables.Add(removable);
            }
        }

        return await RemoveAllAsync(document, removables.ToImmutable(), context.CancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document> RemoveAllAsync(Document document, ImmutableArray<SyntaxNode> removables, CancellationToken cancellationToken)
    {
        // An entry goes with the comma after it and that comma's space or line break, so the list
        // keeps its layout whether it is written on one line or one entry per line. The last entry
        // has no comma after it: it goes with the comma before it, and keeps the space before '}'.
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        root = root.TrackNodes(removables);
        var (last, others) = (removables.Where(IsLastInList).ToList(), removables.Where(n => !IsLastInList(n)).ToList());
        root = root.RemoveNodes(others.Select(n => root.GetCurrentNode(n)!), SyntaxRemoveOptions.KeepNoTrivia)!;
        root = root.RemoveNodes(last.Select(n => root.GetCurrentNode(n)).Where(n => n is not null).Select(n => n!), SyntaxRemoveOptions.KeepTrailingTrivia)!;
        return document.WithSyntaxRoot(root);
    }

    private static bool IsLastInList(SyntaxNode node) =>
        node.Parent?.ChildNodesAndTokens().LastOrDefault(c => !c.IsKind(SyntaxKind.CloseBracketToken) && !c.IsKind(SyntaxKind.CloseBraceToken)) == node;
}
