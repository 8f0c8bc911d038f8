using Microsoft.CodeAnalysis;

namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// The types the analyzers match on, resolved once per compilation. A compilation that does not
/// reference TypedKafka gets none, and the analyzers register nothing for it.
/// </summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation, INamedTypeSymbol sourceTopic)
    {
        SourceTopic = sourceTopic;
        OffsetPolicy = compilation.GetTypeByMetadataName("TypedKafka.OffsetPolicy");
        RelativeTimePolicy = compilation.GetTypeByMetadataName("TypedKafka.OffsetPolicy+RelativeTime");
        AbsoluteTimePolicy = compilation.GetTypeByMetadataName("TypedKafka.OffsetPolicy+AbsoluteTime");
        StartOfDayPolicy = compilation.GetTypeByMetadataName("TypedKafka.OffsetPolicy+StartOfDay");
        CommittedPolicy = compilation.GetTypeByMetadataName("TypedKafka.OffsetPolicy+Committed");
        ConsumerManager = compilation.GetTypeByMetadataName("TypedKafka.ConsumerManager");
        TypedConsumer = compilation.GetTypeByMetadataName("TypedKafka.TypedConsumer`1");
        KeyedTypedConsumer = compilation.GetTypeByMetadataName("TypedKafka.TypedConsumer`2");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        TimeOnly = compilation.GetTypeByMetadataName("System.TimeOnly");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        Array = compilation.GetSpecialType(SpecialType.System_Array);
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
    }

    public INamedTypeSymbol SourceTopic { get; }

    public INamedTypeSymbol? OffsetPolicy { get; }

    public INamedTypeSymbol? RelativeTimePolicy { get; }

    public INamedTypeSymbol? AbsoluteTimePolicy { get; }

    public INamedTypeSymbol? StartOfDayPolicy { get; }

    public INamedTypeSymbol? CommittedPolicy { get; }

    public INamedTypeSymbol? ConsumerManager { get; }

    /// <summary>The typed consumer of generated message types (string keys), when the referenced TypedKafka has one.</summary>
    public INamedTypeSymbol? TypedConsumer { get; }

    /// <summary>The typed consumer with a typed key as well, when the referenced TypedKafka has one.</summary>
    public INamedTypeSymbol? KeyedTypedConsumer { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeOnly { get; }

    public INamedTypeSymbol? List { get; }

    public INamedTypeSymbol Array { get; }

    public INamedTypeSymbol? Enumerable { get; }

    public static KnownSymbols? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName("TypedKafka.SourceTopic") is { } sourceTopic
            ? new KnownSymbols(compilation, sourceTopic)
            : null;

    public bool IsConsumer(INamedTypeSymbol type) =>
        SymbolEqualityComparer.Default.Equals(type, ConsumerManager)
        || (TypedConsumer is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, TypedConsumer))
        || (KeyedTypedConsumer is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, KeyedTypedConsumer));

    public bool IsTimeSpan(ITypeSymbol? type) => TimeSpan is not null && SymbolEqualityComparer.Default.Equals(type, TimeSpan);

    public bool IsDateTimeOffset(ITypeSymbol? type) => DateTimeOffset is not null && SymbolEqualityComparer.Default.Equals(type, DateTimeOffset);

    public bool IsTimeOnly(ITypeSymbol? type) => TimeOnly is not null && SymbolEqualityComparer.Default.Equals(type, TimeOnly);

    /// <summary>One of the nested records of <c>OffsetPolicy</c> (<c>RelativeTime</c>, <c>Committed</c>, ...).</summary>
    public bool IsOffsetPolicyRecord(INamedTypeSymbol type) =>
        type.ContainingType is { } outer && SymbolEqualityComparer.Default.Equals(outer, OffsetPolicy);

    public bool IsSourceTopicFactory(IMethodSymbol method) =>
        method.IsStatic && SymbolEqualityComparer.Default.Equals(method.ContainingType, SourceTopic);
}
