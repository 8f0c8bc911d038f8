using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using TypedKafka.Generators.Analyzers;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace TypedKafka.CodeFixes;

/// <summary>
/// TK0005, TK0011: a Unix time in seconds where milliseconds are expected. Multiplies it by 1000,
/// or, where a <c>DateTimeOffset</c> says the unit plainly, passes <c>DateTimeOffset.FromUnixTimeSeconds(...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SecondsToMillisecondsCodeFix))]
[Shared]
public sealed class SecondsToMillisecondsCodeFix : CodeFixProvider
{
    public const string MultiplyKey = "TypedKafka.SecondsToMilliseconds.Multiply";
    public const string FromUnixTimeSecondsKey = "TypedKafka.SecondsToMilliseconds.FromUnixTimeSeconds";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.TimestampInSeconds, DiagnosticIds.CutoffInSeconds];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax seconds)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Multiply by 1000", token => MultiplyAsync(context.Document, seconds, token), MultiplyKey),
                diagnostic);

            diagnostic.Properties.TryGetValue(DiagnosticProperties.SecondsValueSite, out var site);
            if (site == SecondsValueSites.AbsoluteTimeArgument)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Pass DateTimeOffset.FromUnixTimeSeconds(...)", token => WrapInFromUnixTimeSecondsAsync(context.Document, seconds, token), FromUnixTimeSecondsKey),
                    diagnostic);
            }
            else if (site == SecondsValueSites.FromUnixTimeMillisecondsArgument && EnclosingFromUnixTimeMilliseconds(seconds) is { } name)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Call DateTimeOffset.FromUnixTimeSeconds", token => ReplaceAsync(context.Document, name, IdentifierName("FromUnixTimeSeconds").WithTriviaFrom(name), token), FromUnixTimeSecondsKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> MultiplyAsync(Document document, ExpressionSyntax seconds, CancellationToken cancellationToken)
    {
        // 1_700_000_000 * 1000 overflows int at compile time: make the product long unless the operand already is.
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var isLong = model?.GetTypeInfo(seconds, cancellationToken).Type?.SpecialType == SpecialType.System_Int64;
        var thousand = isLong
            ? LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1000))
            : LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal("1000L", 1000L));
        var product = BinaryExpression(SyntaxKind.MultiplyExpression, Operand(seconds.WithoutTrivia()), thousand)
            .WithTriviaFrom(seconds);
        return await ReplaceAsync(document, seconds, product, cancellationToken).ConfigureAwait(false);
    }

    private static Task<Document> WrapInFromUnixTimeSecondsAsync(Document document, ExpressionSyntax seconds, CancellationToken cancellationToken)
    {
        var call = InvocationExpression(
                MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    ParseTypeName("global::System.DateTimeOffset").WithAdditionalAnnotations(Simplifier.Annotation),
                    IdentifierName("FromUnixTimeSeconds")),
                ArgumentList(SingletonSeparatedList(Argument(seconds.WithoutTrivia()))))
            .WithTriviaFrom(seconds);
        return ReplaceAsync(document, seconds, call, cancellationToken);
    }

    private static SimpleNameSyntax? EnclosingFromUnixTimeMilliseconds(ExpressionSyntax argumentValue) =>
        argumentValue.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
        && invocation.Expression is MemberAccessExpressionSyntax { Name: { Identifier.ValueText: "FromUnixTimeMilliseconds" } name }
            ? name
            : null;

    private static ExpressionSyntax Operand(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or ParenthesizedExpressionSyntax or ElementAccessExpressionSyntax or CastExpressionSyntax => expression,
        _ => ParenthesizedExpression(expression),
    };

    private static async Task<Document> ReplaceAsync(Document document, SyntaxNode oldNode, SyntaxNode newNode, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(oldNode, newNode));
    }
}
