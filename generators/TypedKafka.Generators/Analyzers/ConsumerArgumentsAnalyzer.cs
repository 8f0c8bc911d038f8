using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// Checks the arguments of <c>ConsumerManager</c> and <c>TypedConsumer&lt;T&gt;</c> constructors: the
/// topic list (empty, the same topic twice), the limits, and the cutoff. Parameters are matched by
/// name, so any consumer constructor that takes <c>topics</c>, <c>cutoffMs</c>, <c>batchSize</c>,
/// <c>maxHeldMessages</c> or <c>maxHeldBytes</c> is covered.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConsumerArgumentsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        Descriptors.DuplicateTopic, Descriptors.EmptyTopicList, Descriptors.NonPositiveLimit, Descriptors.CutoffInSeconds,
    ];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.TryCreate(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeConstruction(c, symbols), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeConstruction(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol type || !symbols.IsConsumer(type))
        {
            return;
        }

        foreach (var argument in creation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter)
            {
                continue;
            }

            switch (parameter.Name)
            {
                case "topics":
                    AnalyzeTopicList(context, symbols, argument.Value);
                    break;
                case "cutoffMs":
                    AnalyzeCutoff(context, argument.Value);
                    break;
                case "batchSize" or "maxHeldMessages" or "maxHeldBytes":
                    AnalyzeLimit(context, parameter.Name, argument.Value);
                    break;
            }
        }
    }

    private static void AnalyzeTopicList(OperationAnalysisContext context, KnownSymbols symbols, IOperation value)
    {
        if (!TopicList.TryRead(value, symbols, out var elements, out var complete))
        {
            return;
        }

        if (complete && elements.Count == 0)
        {
            var list = PolicyChecks.Written(value);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.EmptyTopicList, list.GetLocation(), list.ToString()));
            return;
        }

        var firstPositions = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (var i = 0; i < elements.Count; i++)
        {
            if (TopicList.ConstantTopicName(elements[i], symbols) is not { } name)
            {
                continue;
            }

            if (firstPositions.TryGetValue(name, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.DuplicateTopic,
                    elements[i].Syntax.GetLocation(),
                    Format.Text(name),
                    (first + 1).ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                firstPositions.Add(name, i);
            }
        }
    }

    private static void AnalyzeCutoff(OperationAnalysisContext context, IOperation value)
    {
        if (ConstantValues.TryGetInteger(value, out var cutoff) && PolicyChecks.LooksLikeSeconds(cutoff))
        {
            var expression = PolicyChecks.Written(value);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.SecondsValueSite, SecondsValueSites.Milliseconds);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.CutoffInSeconds,
                expression.GetLocation(),
                properties,
                expression.ToString(),
                Format.Instant(cutoff),
                Format.Instant(cutoff * 1000)));
        }
    }

    private static void AnalyzeLimit(OperationAnalysisContext context, string parameter, IOperation value)
    {
        if (ConstantValues.TryGetInteger(value, out var limit) && limit <= 0)
        {
            var expression = PolicyChecks.Written(value);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.NonPositiveLimit,
                expression.GetLocation(),
                parameter,
                limit.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
