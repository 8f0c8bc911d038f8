using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedKafka.Generators.Analyzers;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace TypedKafka.CodeFixes;

/// <summary>TK0003: <c>SourceTopic.FromRelativeTime(name, 0)</c> says "start now", which <c>SourceTopic.FromLatest(name)</c> says plainly.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseFromLatestCodeFix))]
[Shared]
public sealed class UseFromLatestCodeFix : CodeFixProvider
{
    public const string Key = "TypedKafka.UseFromLatest";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticIds.ZeroLookback];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            // Only the factory call is rewritten: new OffsetPolicy.RelativeTime(TimeSpan.Zero) sits where any policy may.
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax lookback
                || lookback.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 2 } arguments } lookbackArgument
                || arguments.Parent is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "FromRelativeTime" } access } invocation)
            {
                continue;
            }

            var nameArgument = arguments.Arguments[0] == lookbackArgument ? arguments.Arguments[1] : arguments.Arguments[0];
            var latest = invocation
                .WithExpression(access.WithName(IdentifierName("FromLatest").WithTriviaFrom(access.Name)))
                .WithArgumentList(arguments.WithArguments(SingletonSeparatedList(nameArgument.WithoutTrivia())));
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use SourceTopic.FromLatest",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, latest))),
                    Key),
                diagnostic);
        }
    }
}
