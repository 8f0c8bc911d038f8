using Snapshooter.Xunit;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>
/// The generated source for representative types, kept under __snapshots__/ and reviewed when it
/// changes. The generator version is scrubbed so that a version bump alone changes nothing.
/// </summary>
public class SnapshotTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using TypedKafka;

        """;

    [Fact]
    public void Positional_record() => Match("PositionalRecord", """
        namespace Shop;

        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
        public partial record Trade(string Symbol, double Price, long Quantity, DateTimeOffset TradeTime, string? Venue);
        """);

    [Fact]
    public void Class_with_settable_and_init_properties_and_renames() => Match("ClassWithSetters", """
        namespace Shop;

        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
        public partial class Order
        {
            public Guid OrderId { get; set; }
            [KafkaField("ts", Column = "order_time")]
            public DateTime Timestamp { get; init; }
            [JsonPropertyName("amt")]
            public decimal? Amount { get; set; }
            public required byte[] Signature { get; init; }
            [JsonIgnore]
            public string Note { get; set; } = "";
            public string Display => OrderId.ToString();
        }
        """);

    [Fact]
    public void Nested_types_lists_and_enums() => Match("NestedListsEnums", """
        namespace Shop;

        public enum Status { Open, Filled, [JsonStringEnumMemberName("cancelled")] Cancelled }

        [KafkaMessage]
        public partial record Line(string Sku, int Count, Status Status);

        [KafkaMessage]
        public partial record Basket(
            Guid Id,
            List<Line> Lines,
            Line? Gift,
            IReadOnlyList<string?>? Tags,
            int[][] Grid,
            Status? LastStatus,
            DateOnly Day,
            TimeSpan Age);
        """);

    [Fact]
    public void Record_struct_with_enum_values_nested_in_a_class() => Match("RecordStructInClass", """
        namespace Shop.Events;

        [Flags]
        public enum Rights : ushort { None = 0, Read = 1, Write = 2 }

        public static partial class Envelope
        {
            [KafkaMessage(EnumFormat = KafkaEnumFormat.Value)]
            public readonly partial record struct Grant(Rights Rights, sbyte Level, bool? Active);
        }
        """);

    [Fact]
    public void Event_time_members() => Match("EventTime", """
        namespace Shop;

        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
        public partial record Fill(string Symbol, [property: EventTime] DateTimeOffset? FillTime);

        [KafkaMessage]
        public partial class Tick
        {
            public double Price { get; set; }
            [EventTime, JsonPropertyName("t")]
            public long UnixMs { get; set; }
        }
        """);

    [Fact]
    public void Members_named_like_the_names_derived_for_other_members() => Match("CollidingNames", """
        namespace Shop;

        [KafkaMessage]
        public partial record Label(string Text);

        // Tags_items is the name the reader's field for Tags' items would take, Read_Tags_items the name of its
        // method; Note_reader the name of Note's nested reader: each derived name yields to the member.
        [KafkaMessage]
        public partial record Tagged(List<string[]> Tags, List<string> Tags_items, Label Note, string Note_reader, int Tags_items1);
        """);

    [Fact]
    public void Header_members() => Match("Headers", """
        namespace Shop;

        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
        public partial record Traced(
            string Symbol,
            [KafkaHeader("trace-id")] string? TraceId,
            [KafkaHeader("tenant")] int Tenant,
            [KafkaHeader("signature")] byte[]? Signature,
            double Price);
        """);

    [Fact]
    public void A_type_whose_members_all_come_from_headers_compiles()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[KafkaMessage]\npublic partial record Stamp([KafkaHeader(\"trace-id\")] string? TraceId);\n");

        Assert.Empty(result.Diagnostics);
        Assert.Contains("ReadHeader(_TraceId, \"trace-id\"u8, \"TraceId\", out failure)", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Avro_record() => Match("Avro", """
        namespace Shop;

        public enum Status { New, Paid }

        [KafkaMessage(Format = KafkaFormat.Avro, NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
        public partial record Order(long OrderId, string? Note, Status Status, [KafkaField(Column = "created")] DateTimeOffset CreatedAt, List<string> Tags);
        """);

    [Fact]
    public void Protobuf_record() => Match("Protobuf", """
        namespace Shop;

        public enum Status { New, Paid }

        [KafkaMessage(Format = KafkaFormat.Protobuf, NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
        public partial record Line(string Sku, uint Quantity);

        [KafkaMessage(Format = KafkaFormat.Protobuf, NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
        public partial record Order(long OrderId, string? Note, Status Status, [KafkaField(Column = "customer_name")] string Customer, List<Line> Lines, byte[] Blob);
        """);

    [Fact]
    public void A_type_in_the_global_namespace_with_more_than_64_members_compiles()
    {
        var members = string.Join("\n", Enumerable.Range(0, 70).Select(i => $"    public int? M{i} {{ get; set; }}"));
        var (result, output) = GeneratorHarness.Run(Usings + $"[KafkaMessage]\npublic partial class Wide\n{{\n{members}\n}}\n");

        Assert.Empty(result.Diagnostics);
        var source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("ulong seen1 = 0;", source, StringComparison.Ordinal);
        Assert.DoesNotContain("namespace", source, StringComparison.Ordinal);
        Assert.NotNull(output.GetTypeByMetadataName("Wide"));
    }

    private static void Match(string name, string source)
    {
        var (result, _) = GeneratorHarness.Run(Usings + source);

        Assert.Empty(result.Diagnostics);
        var generated = result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(generated);
        foreach (var source2 in generated)
        {
            var part = source2.HintName.Replace(".KafkaMessage.g.cs", string.Empty, StringComparison.Ordinal);
            Snapshot.Match(GeneratorHarness.Scrub(source2.SourceText.ToString()), $"{name}.{part}");
        }
    }
}
