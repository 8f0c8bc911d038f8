using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TypedKafka.Generators.Messages;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>
/// Each TK1xxx diagnostic, on the syntax it points at: sources mark the expected span as
/// <c>{|TK1002:text|}</c>. A type with an error gets no generated code.
/// </summary>
public partial class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using TypedKafka;

        """;

    [Fact]
    public void TK1001_type_that_is_not_partial() => Verify("""
        [KafkaMessage]
        public record {|TK1001:Trade|}(string Symbol);
        """, "'Trade' must be declared partial so that the generator can add the Arrow schema, decoder and reader of 'Trade' to it");

    [Fact]
    public void TK1001_containing_type_that_is_not_partial() => Verify("""
        public static class {|TK1001:Outer|}
        {
            [KafkaMessage]
            public partial record Trade(string Symbol);
        }
        """, "'Outer' must be declared partial so that the generator can add the Arrow schema, decoder and reader of 'Outer.Trade' to it");

    [Fact]
    public void TK1002_member_type_without_arrow_mapping() => Verify("""
        public class Address { public string Street { get; set; } = ""; }

        [KafkaMessage]
        public partial record Order(string Id, {|TK1002:Address|} Shipping);
        """, "Member 'Shipping' of 'Order' has type 'Address', which has no Arrow mapping: 'Address' is not a [KafkaMessage] type; mark it [KafkaMessage] and partial to store it as an Arrow struct");

    [Fact]
    public void TK1002_dictionary_and_char_and_list_items() => Verify("""
        [KafkaMessage]
        public partial class Bag
        {
            public {|TK1002:Dictionary<string, int>|} Counts { get; set; } = new();
            public {|TK1002:char|} Initial { get; set; }
            public {|TK1002:List<object>|} Things { get; set; } = new();
        }
        """,
        "Member 'Counts' of 'Bag' has type 'Dictionary<string, int>', which has no Arrow mapping: dictionaries have no fixed columns; use a list of a [KafkaMessage] type",
        "Member 'Initial' of 'Bag' has type 'char', which has no Arrow mapping: char has no Arrow type; use string",
        "Member 'Things' of 'Bag' has type 'List<object>', which has no Arrow mapping: its items have type 'object', which has no Arrow mapping: object has no fixed Arrow type");

    [Fact]
    public void TK1002_recursive_message_types() => Verify("""
        [KafkaMessage]
        public partial record Node(string Name, {|TK1002:List<Leaf>|} Children);

        [KafkaMessage]
        public partial record Leaf(string Name, {|TK1002:Node?|} Parent);
        """,
        "Member 'Children' of 'Node' has type 'List<Leaf>', which has no Arrow mapping: its items have type 'Leaf', which has no Arrow mapping: 'Leaf' contains 'Node' again, and a recursive type has no fixed Arrow schema",
        "Member 'Parent' of 'Leaf' has type 'Node?', which has no Arrow mapping: 'Node' contains 'Leaf' again, and a recursive type has no fixed Arrow schema");

    [Fact]
    public void TK1003_two_members_with_one_column_name() => Verify("""
        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
        public partial class Quote
        {
            public double Price { get; set; }
            [{|TK1003:KafkaField("price")|}]
            public double LastPrice { get; set; }
        }
        """, "Member 'LastPrice' of 'Quote' cannot use the name 'price': member 'Price' already uses it as its column name");

    [Fact]
    public void TK1003_two_members_reading_one_json_member() => Verify("""
        [KafkaMessage]
        public partial class Quote
        {
            public double Price { get; set; }
            [{|TK1003:KafkaField("Price", Column = "price_copy")|}]
            public double Copy { get; set; }
        }
        """, "Member 'Copy' of 'Quote' cannot use the name 'Price': member 'Price' already reads it from JSON");

    [Fact]
    public void TK1003_member_named_like_a_metadata_column() => Verify("""
        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
        public partial record Tick(string Symbol, DateTimeOffset {|TK1003:Timestamp|});
        """, "Member 'Timestamp' of 'Tick' cannot use the name 'timestamp': typed batches have a metadata column of that name; give the member's column another name with [KafkaField(Column = \"...\")]");

    [Fact]
    public void TK1003_empty_name() => Verify("""
        [KafkaMessage]
        public partial class Quote
        {
            [{|TK1003:JsonPropertyName("")|}]
            public double Price { get; set; }
        }
        """, "Member 'Price' of 'Quote' cannot use the name '': a JSON member or column name cannot be empty");

    [Fact]
    public void TK1004_member_without_setter_or_constructor_parameter() => Verify("""
        [KafkaMessage]
        public partial class Quote
        {
            public double {|TK1004:Price|} { get; }
            public string Display => Price.ToString();
        }
        """, "'Quote' cannot be built from its columns: member 'Price' has no setter, no init accessor and no constructor parameter");

    [Fact]
    public void TK1004_several_constructors_and_none_chosen() => Verify("""
        [KafkaMessage]
        public partial class {|TK1004:Quote|}
        {
            public Quote(double price) => Price = price;
            public Quote(double price, string venue) : this(price) => Venue = venue;
            public double Price { get; }
            public string? Venue { get; }
        }
        """, "'Quote' cannot be built from its columns: it has several constructors and none is parameterless; mark the one to use with [JsonConstructor]");

    [Fact]
    public void TK1004_constructor_parameter_without_member() => Verify("""
        [KafkaMessage]
        public partial class Quote
        {
            public Quote(double price, int {|TK1004:scale|}) => Price = price * scale;
            public double Price { get; }
        }
        """, "'Quote' cannot be built from its columns: constructor parameter 'scale' matches no public property");

    [Fact]
    public void TK1004_required_member_that_is_ignored() => Verify("""
        [KafkaMessage]
        public partial class Quote
        {
            public double Price { get; set; }
            [JsonIgnore]
            public required string {|TK1004:Note|} { get; init; }
        }
        """, "'Quote' cannot be built from its columns: member 'Note' is required but [JsonIgnore] leaves it without a column");

    [Fact]
    public void TK1004_abstract_type() => Verify("""
        [KafkaMessage]
        public abstract partial class {|TK1004:Quote|}
        {
            public double Price { get; set; }
        }
        """, "'Quote' cannot be built from its columns: it is abstract");

    [Fact]
    public void TK1005_generic_type() => Verify("""
        [KafkaMessage]
        public partial record {|TK1005:Envelope|}<T>(T Payload);
        """, "'Envelope<T>' cannot be a [KafkaMessage] type: generic types are not supported, since each message type has one fixed Arrow schema");

    [Fact]
    public void TK1006_two_event_time_members() => Verify("""
        [KafkaMessage]
        public partial record Trade([EventTime] DateTimeOffset TradeTime, [{|TK1006:EventTime|}] long ReceivedMs);
        """, "Member 'ReceivedMs' of 'Trade' cannot be marked [EventTime]: member 'TradeTime' already is");

    [Fact]
    public void TK1007_event_time_of_a_type_that_is_not_a_time() => Verify("""
        [KafkaMessage]
        public partial class Trade
        {
            [{|TK1007:EventTime|}]
            public string TradeTime { get; set; } = "";
            [{|TK1007:EventTime|}]
            public int? Seconds { get; set; }
        }
        """,
        "Member 'TradeTime' of 'Trade' has type 'string', which cannot be an event time; use DateTimeOffset, DateTime or a long of Unix milliseconds",
        "Member 'Seconds' of 'Trade' has type 'int?', which cannot be an event time; use DateTimeOffset, DateTime or a long of Unix milliseconds");

    [Fact]
    public void TK1003_event_time_column_of_a_type_with_an_event_time() => Verify("""
        [KafkaMessage(NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
        public partial record Trade(string Symbol, [EventTime] DateTimeOffset {|TK1003:EventTime|});
        """, "Member 'EventTime' of 'Trade' cannot use the name 'event_time': typed batches of a type with an [EventTime] member have an event_time metadata column; give the member's column another name with [KafkaField(Column = \"...\")]");

    [Fact]
    public void An_event_time_column_name_is_free_in_a_type_without_an_event_time()
    {
        var (result, _) = GeneratorHarness.Run(Usings + """
            [KafkaMessage(NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
            public partial record Trade(string Symbol, DateTimeOffset EventTime);
            """);

        Assert.Empty(result.Diagnostics);
        Assert.DoesNotContain("EventTimeMember", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_constructor_settles_which_constructor_is_used()
    {
        var (result, _) = GeneratorHarness.Run(Usings + """
            [KafkaMessage]
            public partial class Quote
            {
                public Quote(double price) => Price = price;
                [JsonConstructor]
                public Quote(double price, string? venue) : this(price) => Venue = venue;
                public double Price { get; }
                public string? Venue { get; }
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void Every_descriptor_has_an_id_in_the_release_files_and_a_help_section()
    {
        var descriptors = typeof(MessageDiagnostics).GetFields().Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>().ToList();
        var root = RepositoryRoot();
        var releases = File.ReadAllText(Path.Combine(root, "generators/TypedKafka.Generators/AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(root, "generators/TypedKafka.Generators/AnalyzerReleases.Shipped.md"));
        var help = File.ReadAllText(Path.Combine(root, "docs/diagnostics.md"));

        Assert.Equal(9, descriptors.Count);
        Assert.All(descriptors, d =>
        {
            Assert.Matches("^TK1[0-9]{3}$", d.Id);
            Assert.Contains($"{d.Id} | {MessageDiagnostics.Category} | Error |", releases, StringComparison.Ordinal);
            Assert.EndsWith("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Matches($"(?m)^#+ .*{d.Id}", help);
        });
    }

    [Fact]
    public void TK1008_header_member_of_a_type_a_header_cannot_carry() => Verify("""
        [KafkaMessage]
        public partial record Line(string Sku);

        [KafkaMessage]
        public partial record Order(
            string Id,
            [{|TK1008:KafkaHeader("tags")|}] List<string> Tags,
            [{|TK1008:KafkaHeader("line")|}] Line? Line,
            [{|TK1008:KafkaHeader("")|}] string? Blank);
        """,
        "Member 'Tags' of 'Order' cannot be read from header 'tags': its type 'List<string>' is a list, and a header holds one value; use string, byte[] or a scalar type",
        "Member 'Line' of 'Order' cannot be read from header 'line': its type 'Line?' is a [KafkaMessage] type, and a header holds one value; use string, byte[] or a scalar type",
        "Member 'Blank' of 'Order' cannot be read from header '': the header name is empty");

    [Fact]
    public void TK1008_header_member_that_is_also_the_event_time_or_a_named_field() => Verify("""
        [KafkaMessage]
        public partial class Order
        {
            public string Id { get; set; } = "";
            [EventTime, {|TK1008:KafkaHeader("sent-at")|}]
            public DateTimeOffset SentAt { get; set; }
            [KafkaField("t"), {|TK1008:KafkaHeader("tenant")|}]
            public string? Tenant { get; set; }
        }
        """,
        "Member 'SentAt' of 'Order' cannot be read from header 'sent-at': an [EventTime] member is read from the value, before the message is ordered; mark a value member [EventTime] instead",
        "Member 'Tenant' of 'Order' cannot be read from header 'tenant': [KafkaField] names a JSON member, and a header member has none; remove one of the two");

    [Fact]
    public void TK1009_member_an_avro_record_cannot_carry() => Verify("""
        [KafkaMessage(Format = KafkaFormat.Avro)]
        public partial record Order(
            string Id,
            short {|TK1009:Count|},
            decimal {|TK1009:Amount|},
            List<TimeSpan> {|TK1009:Ages|},
            [KafkaHeader("tenant")] string? {|TK1009:Tenant|},
            List<DateTimeOffset> Times);
        """,
        "Member 'Count' of 'Order' cannot be read from Avro values: Avro's numbers are int, long, float and double, and short is none of them",
        "Member 'Amount' of 'Order' cannot be read from Avro values: an Avro decimal carries its own precision and scale, which a decimal member's column does not take yet; use double, or a string",
        "Member 'Ages' of 'Order' cannot be read from Avro values: its items: Avro has no type for a TimeSpan; use a long of the unit the writer uses",
        "Member 'Tenant' of 'Order' cannot be read from Avro values: header members are read only with JSON values so far");

    [Fact]
    public void TK1009_member_a_protobuf_record_cannot_carry() => Verify("""
        [KafkaMessage(Format = KafkaFormat.Protobuf)]
        public partial record Order(
            string Id,
            uint Count,
            short {|TK1009:Small|},
            DateTimeOffset {|TK1009:Created|},
            List<Guid> {|TK1009:Ids|},
            [KafkaHeader("tenant")] string? {|TK1009:Tenant|},
            List<double> Prices);
        """,
        "Member 'Small' of 'Order' cannot be read from Protobuf values: Protobuf's numbers are 32- and 64-bit integers, float and double, and short is none of them",
        "Member 'Created' of 'Order' cannot be read from Protobuf values: google.protobuf.Timestamp is a well-known type (an import), which is not resolved yet; use a long of Unix time in the writer's unit",
        "Member 'Ids' of 'Order' cannot be read from Protobuf values: its items: Protobuf has no uuid type; use a string or byte[]",
        "Member 'Tenant' of 'Order' cannot be read from Protobuf values: header members are read only with JSON values so far");

    private static void Verify(string markup, params string[] messages)
    {
        var expected = new List<(string Id, TextSpan Span)>();
        var removed = 0;
        var source = Markup().Replace(Usings + markup, match =>
        {
            var text = match.Groups["text"].Value;
            expected.Add((match.Groups["id"].Value, new TextSpan(match.Index - removed, text.Length)));
            removed += match.Length - text.Length;
            return text;
        });

        var (result, _) = GeneratorHarness.Run(source);

        var actual = result.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(
            expected.Select(e => $"{e.Id} at '{source.Substring(e.Span.Start, e.Span.Length)}'"),
            actual.Select(d => $"{d.Id} at '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}'"));
        Assert.Equal(expected.Select(e => e.Span), actual.Select(d => d.Location.SourceSpan));
        Assert.Equal(messages.Length, actual.Count);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i], actual[i].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.All(actual, d => Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path));
        Assert.All(actual, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TypedKafka.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("TypedKafka.sln not found above the test directory.");
    }

    [GeneratedRegex(@"\{\|(?<id>TK\d{4}):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Markup();
}
