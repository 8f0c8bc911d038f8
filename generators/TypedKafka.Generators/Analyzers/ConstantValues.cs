using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// Reads values that are fixed at compile time: C# constants (literals, consts, constant
/// expressions) through <see cref="IOperation.ConstantValue"/>, and the few library calls whose
/// result follows from constant arguments (<c>TimeSpan.FromHours(2)</c>, <c>new DateTimeOffset(...)</c>).
/// Anything else is "not known", and no rule fires on it.
/// </summary>
internal static class ConstantValues
{
    private const long TicksPerMillisecond = 10_000;
    private const double MillisecondsPerDay = 86_400_000;
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Steps through implicit and explicit built-in conversions (int to long, long to long?) that do not have a constant of their own.</summary>
    public static IOperation SkipConversions(IOperation operation)
    {
        while (operation is IConversionOperation { OperatorMethod: null } conversion && !operation.ConstantValue.HasValue)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    public static bool TryGetString(IOperation operation, out string? value)
    {
        var constant = SkipConversions(operation).ConstantValue;
        if (constant.HasValue && constant.Value is null or string)
        {
            value = (string?)constant.Value;
            return true;
        }

        value = null;
        return false;
    }

    public static bool TryGetInteger(IOperation operation, out long value)
    {
        var constant = SkipConversions(operation).ConstantValue;
        switch (constant.HasValue ? constant.Value : null)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short s: value = s; return true;
            case sbyte sb: value = sb; return true;
            case byte b: value = b; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case ulong ul when ul <= long.MaxValue: value = (long)ul; return true;
            default: value = 0; return false;
        }
    }

    public static bool TryGetNumber(IOperation operation, out double value)
    {
        if (TryGetInteger(operation, out var integer))
        {
            value = integer;
            return true;
        }

        var constant = SkipConversions(operation).ConstantValue;
        switch (constant.HasValue ? constant.Value : null)
        {
            case double d: value = d; return true;
            case float f: value = f; return true;
            case decimal m: value = (double)m; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>
    /// The length in milliseconds of a <c>TimeSpan</c> built from constants: <c>TimeSpan.FromX(...)</c>,
    /// <c>new TimeSpan(...)</c>, <c>TimeSpan.Zero/MinValue/MaxValue</c>, <c>default</c>, and sums,
    /// differences, negations and scalings of those.
    /// </summary>
    public static bool TryGetDuration(IOperation operation, KnownSymbols symbols, out double milliseconds)
    {
        milliseconds = 0;
        operation = SkipConversions(operation);
        switch (operation)
        {
            case IInvocationOperation { TargetMethod: { IsStatic: true } method } invocation
                when symbols.IsTimeSpan(method.ContainingType) && method.Name.StartsWith("From", StringComparison.Ordinal):
                return TrySumUnits(invocation.Arguments, method.Name.Substring("From".Length), out milliseconds);

            case IObjectCreationOperation creation when symbols.IsTimeSpan(creation.Type):
                return TrySumUnits(creation.Arguments, valueUnit: null, out milliseconds);

            case IDefaultValueOperation when symbols.IsTimeSpan(operation.Type):
                return true;

            case IFieldReferenceOperation { Field: { IsStatic: true } field } when symbols.IsTimeSpan(field.ContainingType):
                switch (field.Name)
                {
                    case "Zero": return true;
                    case "MaxValue": milliseconds = TimeSpan.MaxValue.TotalMilliseconds; return true;
                    case "MinValue": milliseconds = TimeSpan.MinValue.TotalMilliseconds; return true;
                    default: return false;
                }

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } unary
                when symbols.IsTimeSpan(unary.Type) && TryGetDuration(unary.Operand, symbols, out var operand):
                milliseconds = unary.OperatorKind == UnaryOperatorKind.Minus ? -operand : operand;
                return true;

            case IBinaryOperation binary when symbols.IsTimeSpan(binary.Type):
                return TryCombine(binary, symbols, out milliseconds);

            default:
                return false;
        }
    }

    /// <summary>
    /// The Unix time in milliseconds of a <c>DateTimeOffset</c> built from constants:
    /// <c>new DateTimeOffset(year, month, ..., offset)</c>, <c>new DateTimeOffset(ticks, offset)</c>,
    /// <c>DateTimeOffset.FromUnixTimeSeconds/Milliseconds(...)</c>, <c>UnixEpoch/MinValue/MaxValue</c>, <c>default</c>.
    /// </summary>
    public static bool TryGetUnixMilliseconds(IOperation operation, KnownSymbols symbols, out long milliseconds)
    {
        milliseconds = 0;
        operation = SkipConversions(operation);
        switch (operation)
        {
            case IObjectCreationOperation creation when symbols.IsDateTimeOffset(creation.Type):
                return TryConstructInstant(creation, symbols, out milliseconds);

            case IInvocationOperation { TargetMethod: { IsStatic: true } method, Arguments.Length: 1 } invocation
                when symbols.IsDateTimeOffset(method.ContainingType) && TryGetInteger(invocation.Arguments[0].Value, out var value):
                switch (method.Name)
                {
                    case "FromUnixTimeMilliseconds" when value is >= MinUnixSeconds * 1000 and <= (MaxUnixSeconds * 1000) + 999:
                        milliseconds = value;
                        return true;
                    case "FromUnixTimeSeconds" when value is >= MinUnixSeconds and <= MaxUnixSeconds:
                        milliseconds = value * 1000;
                        return true;
                    default:
                        return false;
                }

            case IDefaultValueOperation when symbols.IsDateTimeOffset(operation.Type):
                milliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
                return true;

            case IFieldReferenceOperation { Field: { IsStatic: true } field } when symbols.IsDateTimeOffset(field.ContainingType):
                switch (field.Name)
                {
                    case "UnixEpoch": return true;
                    case "MinValue": milliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds(); return true;
                    case "MaxValue": milliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(); return true;
                    default: return false;
                }

            default:
                return false;
        }
    }

    /// <summary>
    /// Whether a <c>TimeOnly</c> built from constants would throw: a component outside its range in
    /// <c>new TimeOnly(...)</c>, or a <c>TimeOnly.FromTimeSpan</c> outside 00:00-24:00.
    /// </summary>
    public static bool TryFindTimeOfDayProblem(IOperation operation, KnownSymbols symbols, out string problem)
    {
        problem = string.Empty;
        operation = SkipConversions(operation);
        switch (operation)
        {
            case IObjectCreationOperation creation when symbols.IsTimeOnly(creation.Type):
                foreach (var argument in creation.Arguments)
                {
                    var name = argument.Parameter?.Name;
                    var (min, max) = name switch
                    {
                        "hour" => (0L, 23L),
                        "minute" or "second" => (0L, 59L),
                        "millisecond" or "microsecond" => (0L, 999L),
                        "ticks" => (0L, (TimeSpan.TicksPerDay) - 1),
                        _ => (long.MinValue, long.MaxValue),
                    };
                    if (TryGetInteger(argument.Value, out var value) && (value < min || value > max))
                    {
                        problem = string.Format(CultureInfo.InvariantCulture, "{0} {1} is outside {2}-{3}", name, value, min, max);
                        return true;
                    }
                }

                return false;

            case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "FromTimeSpan" } method, Arguments.Length: 1 } invocation
                when symbols.IsTimeOnly(method.ContainingType)
                    && TryGetDuration(invocation.Arguments[0].Value, symbols, out var milliseconds)
                    && (milliseconds < 0 || milliseconds >= MillisecondsPerDay):
                problem = string.Format(CultureInfo.InvariantCulture, "{0} is outside 00:00-24:00", Format.Duration(milliseconds));
                return true;

            default:
                return false;
        }
    }

    private static bool TrySumUnits(ImmutableArray<IArgumentOperation> arguments, string? valueUnit, out double milliseconds)
    {
        milliseconds = 0;
        foreach (var argument in arguments)
        {
            var unit = argument.Parameter?.Name switch
            {
                "value" => valueUnit?.ToLowerInvariant(),
                var name => name,
            };
            if (unit is null || MillisecondsPer(unit) is not { } scale || !TryGetNumber(argument.Value, out var amount))
            {
                return false;
            }

            milliseconds += amount * scale;
        }

        return true;
    }

    private static double? MillisecondsPer(string unit) => unit switch
    {
        "days" => MillisecondsPerDay,
        "hours" => 3_600_000,
        "minutes" => 60_000,
        "seconds" => 1_000,
        "milliseconds" => 1,
        "microseconds" => 0.001,
        "ticks" => 1.0 / TicksPerMillisecond,
        _ => null,
    };

    private static bool TryCombine(IBinaryOperation binary, KnownSymbols symbols, out double milliseconds)
    {
        milliseconds = 0;
        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract
                when TryGetDuration(binary.LeftOperand, symbols, out var left) && TryGetDuration(binary.RightOperand, symbols, out var right):
                milliseconds = binary.OperatorKind == BinaryOperatorKind.Add ? left + right : left - right;
                return true;

            case BinaryOperatorKind.Multiply when TryGetDuration(binary.LeftOperand, symbols, out var duration) && TryGetNumber(binary.RightOperand, out var factor):
                milliseconds = duration * factor;
                return true;

            case BinaryOperatorKind.Multiply when TryGetNumber(binary.LeftOperand, out var factor) && TryGetDuration(binary.RightOperand, symbols, out var duration):
                milliseconds = duration * factor;
                return true;

            case BinaryOperatorKind.Divide
                when TryGetDuration(binary.LeftOperand, symbols, out var duration) && TryGetNumber(binary.RightOperand, out var divisor) && divisor != 0:
                milliseconds = duration / divisor;
                return true;

            default:
                return false;
        }
    }

    private static bool TryConstructInstant(IObjectCreationOperation creation, KnownSymbols symbols, out long milliseconds)
    {
        milliseconds = 0;
        long ticks = 0, year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0, microsecond = 0;
        var hasTicks = false;
        var offset = TimeSpan.Zero;
        foreach (var argument in creation.Arguments)
        {
            var name = argument.Parameter?.Name;
            if (name == "offset")
            {
                if (!TryGetDuration(argument.Value, symbols, out var offsetMilliseconds))
                {
                    return false;
                }

                offset = TimeSpan.FromTicks((long)Math.Round(offsetMilliseconds * TicksPerMillisecond));
                continue;
            }

            if (!TryGetInteger(argument.Value, out var value))
            {
                return false;
            }

            switch (name)
            {
                case "ticks": ticks = value; hasTicks = true; break;
                case "year": year = value; break;
                case "month": month = value; break;
                case "day": day = value; break;
                case "hour": hour = value; break;
                case "minute": minute = value; break;
                case "second": second = value; break;
                case "millisecond": millisecond = value; break;
                case "microsecond" when value is >= 0 and <= 999: microsecond = value; break;
                default: return false; // a DateTime, a Calendar, ...: not evaluated
            }
        }

        try
        {
            var instant = hasTicks
                ? new DateTimeOffset(ticks, offset)
                : new DateTimeOffset((int)year, (int)month, (int)day, (int)hour, (int)minute, (int)second, (int)millisecond, offset)
                    .AddTicks(microsecond * 10);
            milliseconds = instant.ToUnixTimeMilliseconds();
            return true;
        }
        catch (ArgumentException)
        {
            // The constructor itself would throw: not this analyzer's rule to report.
            return false;
        }
    }
}
