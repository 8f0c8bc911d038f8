using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace TypedKafka.Generators.Messages;

/// <summary>
/// The types the parser compares member types and attributes against, looked up once per
/// compilation and shared by every [KafkaMessage] type in it. Never part of a pipeline output.
/// </summary>
internal sealed class KnownTypeSymbols
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypeSymbols> Cache = new();

    private KnownTypeSymbols(Compilation compilation)
    {
        KafkaMessageAttribute = compilation.GetTypeByMetadataName("TypedKafka.KafkaMessageAttribute");
        KafkaFieldAttribute = compilation.GetTypeByMetadataName("TypedKafka.KafkaFieldAttribute");
        EventTimeAttribute = compilation.GetTypeByMetadataName("TypedKafka.EventTimeAttribute");
        KafkaHeaderAttribute = compilation.GetTypeByMetadataName("TypedKafka.KafkaHeaderAttribute");
        JsonPropertyNameAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonPropertyNameAttribute");
        JsonIgnoreAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIgnoreAttribute");
        JsonConstructorAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonConstructorAttribute");
        JsonStringEnumMemberNameAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        DateOnly = compilation.GetTypeByMetadataName("System.DateOnly");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        ListInterfaces = new[]
        {
            compilation.GetTypeByMetadataName("System.Collections.Generic.IList`1"),
            compilation.GetTypeByMetadataName("System.Collections.Generic.ICollection`1"),
        };
        ArrayInterfaces = new[]
        {
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T),
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T),
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T),
        };
        Dictionaries = new[]
        {
            compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2"),
            compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2"),
            compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2"),
        };
    }

    public INamedTypeSymbol? KafkaMessageAttribute { get; }

    public INamedTypeSymbol? KafkaFieldAttribute { get; }

    public INamedTypeSymbol? EventTimeAttribute { get; }

    public INamedTypeSymbol? KafkaHeaderAttribute { get; }

    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    public INamedTypeSymbol? JsonConstructorAttribute { get; }

    public INamedTypeSymbol? JsonStringEnumMemberNameAttribute { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? DateOnly { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? Guid { get; }

    /// <summary>List&lt;T&gt;, materialized as itself.</summary>
    public INamedTypeSymbol? List { get; }

    /// <summary>Interfaces materialized as List&lt;T&gt;: they promise mutability.</summary>
    public INamedTypeSymbol?[] ListInterfaces { get; }

    /// <summary>Interfaces materialized as T[].</summary>
    public INamedTypeSymbol?[] ArrayInterfaces { get; }

    public INamedTypeSymbol?[] Dictionaries { get; }

    public static KnownTypeSymbols For(Compilation compilation) => Cache.GetValue(compilation, c => new KnownTypeSymbols(c));

    public static bool Is(ISymbol? symbol, INamedTypeSymbol? known) =>
        known is not null && SymbolEqualityComparer.Default.Equals(symbol, known);
}
