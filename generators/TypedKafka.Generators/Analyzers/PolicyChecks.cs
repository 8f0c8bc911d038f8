using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// The checks of single values (a topic name, a look-back, a start time, a zone, a time of day, a
/// fallback), shared by every place such a value is given: SourceTopic factories, the OffsetPolicy
/// records, attribute arguments. Each check stays silent unless the value is known at compile time.
/// </summary>
internal static class PolicyChecks
{
    /// <summary>Longer look-backs than this exceed any plausible topic retention.</summary>
    public const double MaxPlausibleLookbackDays = 365;

    public static void TopicName(OperationAnalysisContext context, IOperation value)
    {
        if (ConstantValues.TryGetString(value, out var name) && name is not null && TopicNames.FindProblem(name) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidTopicName, Written(value).GetLocation(), Format.Text(name), problem));
        }
    }

    public static void LookbackMilliseconds(OperationAnalysisContext context, IOperation value)
    {
        if (ConstantValues.TryGetInteger(value, out var milliseconds))
        {
            Lookback(context, value, milliseconds);
        }
    }

    public static void Lookback(OperationAnalysisContext context, KnownSymbols symbols, IOperation value)
    {
        if (ConstantValues.TryGetDuration(value, symbols, out var milliseconds))
        {
            Lookback(context, value, milliseconds);
        }
    }

    public static void TimestampMilliseconds(OperationAnalysisContext context, IOperation value, string site)
    {
        if (!ConstantValues.TryGetInteger(value, out var milliseconds))
        {
            return;
        }

        if (milliseconds < 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TimestampBeforeEpoch, Written(value).GetLocation(), Written(value).ToString(), Format.Instant(milliseconds)));
        }
        else if (LooksLikeSeconds(milliseconds))
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.SecondsValueSite, site);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.TimestampInSeconds,
                Written(value).GetLocation(),
                properties,
                Written(value).ToString(),
                Format.Instant(milliseconds),
                Format.Instant(milliseconds * 1000)));
        }
    }

    public static void Instant(OperationAnalysisContext context, KnownSymbols symbols, IOperation value)
    {
        // DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000): the seconds mistake moved one call inwards.
        if (ConstantValues.SkipConversions(value) is IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromUnixTimeMilliseconds" } method, Arguments.Length: 1 } invocation
            && symbols.IsDateTimeOffset(method.ContainingType))
        {
            TimestampMilliseconds(context, invocation.Arguments[0].Value, SecondsValueSites.FromUnixTimeMillisecondsArgument);
            return;
        }

        if (ConstantValues.TryGetUnixMilliseconds(value, symbols, out var milliseconds) && milliseconds < 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TimestampBeforeEpoch, Written(value).GetLocation(), Written(value).ToString(), Format.Instant(milliseconds)));
        }
    }

    public static void TimeZone(OperationAnalysisContext context, IOperation value)
    {
        if (!ConstantValues.TryGetString(value, out var zone) || zone is null || TimeZoneIds.IsKnown(zone))
        {
            return;
        }

        var suggestion = TimeZoneIds.Suggest(zone);
        var properties = suggestion is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.SuggestedTimeZoneId, suggestion);
        var hint = suggestion is null ? string.Empty : "; did you mean '" + suggestion + "'?";
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnknownTimeZone, Written(value).GetLocation(), properties, Format.Text(zone), hint));
    }

    public static void TimeOfDay(OperationAnalysisContext context, KnownSymbols symbols, IOperation value)
    {
        if (ConstantValues.TryFindTimeOfDayProblem(value, symbols, out var problem))
        {
            var written = Written(value);
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TimeOfDayOutOfRange, written.GetLocation(), written.ToString(), problem));
        }
    }

    public static void CommittedFallback(OperationAnalysisContext context, KnownSymbols symbols, IOperation value)
    {
        var fallback = ConstantValues.SkipConversions(value);
        string? problem = null;
        if (fallback.ConstantValue is { HasValue: true, Value: null })
        {
            problem = "is null; partitions without a committed offset need a policy to start from";
        }
        else if (fallback is IObjectCreationOperation creation
            && symbols.CommittedPolicy is not null
            && SymbolEqualityComparer.Default.Equals(creation.Type, symbols.CommittedPolicy))
        {
            problem = "is itself a committed-offset policy; it must say where to start when nothing is committed";
        }

        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidCommittedFallback, Written(value).GetLocation(), Written(value).ToString(), problem));
        }
    }

    /// <summary>
    /// The expression as the user wrote it, with the parentheses and null-forgiving <c>!</c> that
    /// operations leave out: <c>null!</c>, not the <c>null</c> inside it.
    /// </summary>
    public static SyntaxNode Written(IOperation value)
    {
        var node = value.Syntax;
        while (node.Parent is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            node = node.Parent;
        }

        return node;
    }

    // The rule is shared with the runtime's parser of times given as text (src/TypedKafka/UnixTimeUnits.cs).
    public static bool LooksLikeSeconds(long milliseconds) => UnixTimeUnits.LooksLikeSeconds(milliseconds);

    private static void Lookback(OperationAnalysisContext context, IOperation value, double milliseconds)
    {
        var written = Written(value);
        var location = written.GetLocation();
        var text = written.ToString();
        if (milliseconds < 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NegativeLookback, location, text, Format.Duration(milliseconds)));
        }
        else if (milliseconds == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ZeroLookback, location, text));
        }
        else if (milliseconds > MaxPlausibleLookbackDays * 86_400_000)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.LookbackBeyondRetention, location, text, Format.Duration(milliseconds)));
        }
    }
}
