using TypedKafka.Generators.Messages;
using TypedKafka.Generators.Messages.Model;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>The model compares by value (or the pipeline never caches), and names follow System.Text.Json's policies.</summary>
public class ModelTests
{
    [Fact]
    public void Equatable_arrays_compare_by_items()
    {
        var a = new[] { "x", "y" }.ToEquatableArray();
        var b = new List<string> { "x", "y" }.ToEquatableArray();

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new[] { "y", "x" }.ToEquatableArray());
        Assert.NotEqual(a, new[] { "x" }.ToEquatableArray());
        Assert.Equal(default, EquatableArray<string>.Empty);
        Assert.Empty(default(EquatableArray<string>));
    }

    [Fact]
    public void Specs_built_twice_from_the_same_names_are_equal()
    {
        static MessageSpec Spec() => new(
            "Shop.Trade.KafkaMessage.g.cs",
            "Shop",
            EquatableArray<ContainingTypeSpec>.Empty,
            "record",
            "Trade",
            "global::Shop.Trade",
            true,
            new[] { new MemberSpec("Tags", "tags", "tags", new TypeShape(ShapeKind.List, "string[]", false, element: new TypeShape(ShapeKind.String, "string", true), collection: CollectionKind.Array), 0) }.ToEquatableArray(),
            new[] { new EnumSpec("global::Shop.Side", "Side", new[] { "Buy" }.ToEquatableArray(), new[] { 0L }.ToEquatableArray()) }.ToEquatableArray());

        Assert.Equal(Spec(), Spec());
        Assert.Equal(Spec().GetHashCode(), Spec().GetHashCode());
    }

    [Theory]
    [InlineData(NamingPolicy.AsDeclared, "TradeTime", "TradeTime")]
    [InlineData(NamingPolicy.CamelCase, "TradeTime", "tradeTime")]
    [InlineData(NamingPolicy.CamelCase, "ID", "id")]
    [InlineData(NamingPolicy.CamelCase, "URLValue", "urlValue")]
    [InlineData(NamingPolicy.CamelCase, "already", "already")]
    [InlineData(NamingPolicy.SnakeCaseLower, "TradeTime", "trade_time")]
    [InlineData(NamingPolicy.SnakeCaseLower, "XMLHttpRequest", "xml_http_request")]
    [InlineData(NamingPolicy.SnakeCaseLower, "Utf8Bytes", "utf8_bytes")]
    [InlineData(NamingPolicy.SnakeCaseLower, "Price2Go", "price2_go")]
    [InlineData(NamingPolicy.SnakeCaseUpper, "TradeTime", "TRADE_TIME")]
    [InlineData(NamingPolicy.KebabCaseLower, "TradeTime", "trade-time")]
    [InlineData(NamingPolicy.KebabCaseUpper, "TradeTime", "TRADE-TIME")]
    public void Naming_policies(int policy, string name, string expected) => Assert.Equal(expected, NamingPolicy.Apply(policy, name));
}
