using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedKafka.Generators.Analyzers;

/// <summary>Reads the elements of a topic list written in place: a collection expression, an array, or a List initializer.</summary>
internal static class TopicList
{
    /// <summary>
    /// The element expressions of <paramref name="value"/> when it is a list written in place;
    /// <paramref name="complete"/> is false when a spread (<c>..others</c>) adds elements that are not known.
    /// </summary>
    public static bool TryRead(IOperation value, KnownSymbols symbols, out List<IOperation> elements, out bool complete)
    {
        elements = [];
        complete = true;
        switch (ConstantValues.SkipConversions(value))
        {
            case ICollectionExpressionOperation collection:
                foreach (var element in collection.Elements)
                {
                    if (element is ISpreadOperation)
                    {
                        complete = false;
                    }
                    else
                    {
                        elements.Add(element);
                    }
                }

                return true;

            case IArrayCreationOperation { Initializer: { } initializer }:
                elements.AddRange(initializer.ElementValues);
                return true;

            case IArrayCreationOperation { DimensionSizes.Length: 1 } array:
                return ConstantValues.TryGetInteger(array.DimensionSizes[0], out var length) && length == 0;

            case IObjectCreationOperation { Type: INamedTypeSymbol type, Arguments.Length: 0 } creation
                when symbols.List is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, symbols.List):
                foreach (var initializer in creation.Initializer?.Initializers ?? [])
                {
                    if (initializer is IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 1 } add)
                    {
                        elements.Add(add.Arguments[0].Value);
                    }
                    else
                    {
                        return false;
                    }
                }

                return true;

            case IInvocationOperation { TargetMethod: { Name: "Empty", IsGenericMethod: true, Parameters.Length: 0 } method }
                when SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Array)
                    || SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Enumerable):
                return true;

            default:
                return false;
        }
    }

    /// <summary>The topic name of an element written as <c>SourceTopic.FromX("name", ...)</c> with a constant name; null otherwise.</summary>
    public static string? ConstantTopicName(IOperation element, KnownSymbols symbols)
    {
        if (ConstantValues.SkipConversions(element) is not IInvocationOperation invocation || !symbols.IsSourceTopicFactory(invocation.TargetMethod))
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Name: "name", Type.SpecialType: SpecialType.System_String })
            {
                return ConstantValues.TryGetString(argument.Value, out var name) ? name : null;
            }
        }

        return null;
    }
}
