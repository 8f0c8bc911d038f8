using System.Reflection;
using TypedKafka.Generators.Messages;
using TypedKafka.Generators.Tests.Decoding;

namespace TypedKafka.Generators.Tests.Generation;

/// <summary>
/// The generator cannot reference the runtime (it runs in the compiler), so it keeps copies of the
/// runtime's enum values and metadata column names; these tests tie every copy to its original.
/// </summary>
public class RuntimeMirrorTests
{
    [Fact]
    public void Naming_policy_constants_are_the_values_of_KafkaNamingPolicy() =>
        AssertMirrors<KafkaNamingPolicy>(typeof(NamingPolicy));

    [Fact]
    public void Enum_format_constants_are_the_values_of_KafkaEnumFormat() =>
        AssertMirrors<KafkaEnumFormat>(typeof(EnumFormat));

    [Fact]
    public void Kafka_format_constants_are_the_values_of_KafkaFormat() =>
        AssertMirrors<KafkaFormat>(typeof(Messages.KafkaFormat));

    [Fact]
    public void Reserved_column_names_are_the_metadata_columns_of_a_typed_batch()
    {
        var members = Columns.ArrowMessage.SchemaOf<Trade>().FieldsList.Select(f => f.Name).ToHashSet();

        var plain = MetadataOf(new TypedBatchDecoder<Trade, string>(BadPayloadPolicy.Skip).Schema, members);
        var ordered = MetadataOf(new TypedBatchDecoder<Trade, string>(BadPayloadPolicy.Skip, eventTimeColumn: true).Schema, members);
        var withHeaders = MetadataOf(new TypedBatchDecoder<Trade, string>(BadPayloadPolicy.Skip, headersColumn: true).Schema, members);

        Assert.Equal(MetadataColumns.Always.Order(StringComparer.Ordinal), plain.Order(StringComparer.Ordinal));
        Assert.Equal([MetadataColumns.EventTime], ordered.Except(plain));
        Assert.Equal([MetadataColumns.Headers], withHeaders.Except(plain));
        Assert.Equal(MetadataColumns.Headers, Schemas.HeadersField.Name);
    }

    private static List<string> MetadataOf(Apache.Arrow.Schema schema, HashSet<string> members) =>
        schema.FieldsList.Select(f => f.Name).Where(name => !members.Contains(name)).ToList();

    /// <summary>Every public constant of <paramref name="mirror"/> is the value of the enum member of its name, and every member has one.</summary>
    private static void AssertMirrors<TEnum>(Type mirror)
        where TEnum : struct, Enum
    {
        var constants = mirror.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);
        var values = Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(values.OrderBy(p => p.Key, StringComparer.Ordinal), constants.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
