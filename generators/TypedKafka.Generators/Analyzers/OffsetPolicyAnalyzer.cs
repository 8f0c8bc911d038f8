using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// Checks the arguments of <c>SourceTopic</c> factories and of the <c>OffsetPolicy</c> records
/// (which are how a committed-offset fallback is written): topic names, look-backs, start times,
/// zones and times of day, committed fallbacks.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OffsetPolicyAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        Descriptors.InvalidTopicName, Descriptors.NegativeLookback, Descriptors.ZeroLookback,
        Descriptors.LookbackBeyondRetention, Descriptors.TimestampInSeconds, Descriptors.TimestampBeforeEpoch,
        Descriptors.UnknownTimeZone, Descriptors.TimeOfDayOutOfRange, Descriptors.InvalidCommittedFallback,
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

            start.RegisterOperationAction(c => AnalyzeFactoryCall(c, symbols), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzePolicyCreation(c, symbols), OperationKind.ObjectCreation);
        });
    }

    private static void AnalyzeFactoryCall(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!symbols.IsSourceTopicFactory(method))
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter)
            {
                continue;
            }

            var type = parameter.Type;
            switch (method.Name)
            {
                case "FromRelativeTime" when type.SpecialType == SpecialType.System_Int64:
                    PolicyChecks.LookbackMilliseconds(context, argument.Value);
                    break;
                case "FromRelativeTime" when symbols.IsTimeSpan(type):
                    PolicyChecks.Lookback(context, symbols, argument.Value);
                    break;
                case "FromAbsoluteTime" when type.SpecialType == SpecialType.System_Int64:
                    PolicyChecks.TimestampMilliseconds(context, argument.Value, SecondsValueSites.AbsoluteTimeArgument);
                    break;
                case "FromAbsoluteTime" when symbols.IsDateTimeOffset(type):
                    PolicyChecks.Instant(context, symbols, argument.Value);
                    break;
                case "FromStartOfDay" when symbols.IsTimeOnly(type):
                    PolicyChecks.TimeOfDay(context, symbols, argument.Value);
                    break;
                case "FromStartOfDay" when parameter.Name == "timeZoneId":
                    PolicyChecks.TimeZone(context, argument.Value);
                    break;
                case "FromCommitted" when parameter.Name == "fallback":
                    PolicyChecks.CommittedFallback(context, symbols, argument.Value);
                    break;
                case var _ when parameter.Name == "name" && type.SpecialType == SpecialType.System_String:
                    PolicyChecks.TopicName(context, argument.Value);
                    break;
            }
        }
    }

    private static void AnalyzePolicyCreation(OperationAnalysisContext context, KnownSymbols symbols)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Constructor?.ContainingType is not { } policy || !symbols.IsOffsetPolicyRecord(policy))
        {
            return;
        }

        foreach (var argument in creation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter)
            {
                continue;
            }

            if (Is(policy, symbols.RelativeTimePolicy) && symbols.IsTimeSpan(parameter.Type))
            {
                PolicyChecks.Lookback(context, symbols, argument.Value);
            }
            else if (Is(policy, symbols.AbsoluteTimePolicy) && parameter.Type.SpecialType == SpecialType.System_Int64)
            {
                PolicyChecks.TimestampMilliseconds(context, argument.Value, SecondsValueSites.Milliseconds);
            }
            else if (Is(policy, symbols.StartOfDayPolicy) && symbols.IsTimeOnly(parameter.Type))
            {
                PolicyChecks.TimeOfDay(context, symbols, argument.Value);
            }
            else if (Is(policy, symbols.StartOfDayPolicy) && parameter.Type.SpecialType == SpecialType.System_String)
            {
                PolicyChecks.TimeZone(context, argument.Value);
            }
            else if (Is(policy, symbols.CommittedPolicy) && parameter.Type.Equals(symbols.CommittedPolicy?.BaseType, SymbolEqualityComparer.Default))
            {
                PolicyChecks.CommittedFallback(context, symbols, argument.Value);
            }
        }
    }

    private static bool Is(INamedTypeSymbol type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
