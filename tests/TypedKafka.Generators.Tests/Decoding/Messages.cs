using System.Text.Json.Serialization;

namespace TypedKafka.Generators.Tests.Decoding;

public enum Side
{
    Buy,
    Sell,
    [JsonStringEnumMemberName("short-sell")]
    ShortSell = 7,
}

[Flags]
public enum Permissions : byte
{
    None = 0,
    Read = 1,
    Write = 2,
}

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Trade(string Symbol, double Price, long Quantity, DateTimeOffset TradeTime, string? Venue);

/// <summary>Ordered by an ISO 8601 time in the payload, which may be missing.</summary>
[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Fill(string Symbol, [EventTime] DateTimeOffset? FillTime, double Price);

/// <summary>Ordered by Unix ms in the payload.</summary>
[KafkaMessage]
public partial record UnixTick([property: EventTime, JsonPropertyName("t")] long UnixMs, double Price);

/// <summary>Ordered by a DateTime, read as UTC when the text has no offset.</summary>
[KafkaMessage]
public partial class ClockTick
{
    [EventTime]
    public DateTime At { get; init; }
}

/// <summary>Only members that a payload laid out plainly is read into without a JSON reader: strings, numbers, bools, times, Guids and enums by name.</summary>
[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record PlainScalars(
    string Name, string? Note, double Price, float Ratio, long Count, int? Small, byte Tiny, ulong Big, bool Flag, bool? MaybeFlag,
    DateTimeOffset At, DateTime? Clock, Guid Id, DateOnly Day, TimeSpan? Elapsed, Side Side);

/// <summary>Enums by value, read plainly too.</summary>
[KafkaMessage(EnumFormat = KafkaEnumFormat.Value)]
public partial record PlainEnumValues(Permissions Rights, Side? Side, short Level);

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
public partial record Address(string Street, string? City, int? PostCode);

/// <summary>Every supported member type, once plain and once nullable.</summary>
[KafkaMessage]
public partial class Everything
{
    public string Text { get; set; } = "";
    public string? MaybeText { get; set; }
    public bool Flag { get; set; }
    public bool? MaybeFlag { get; set; }
    public sbyte I8 { get; set; }
    public byte U8 { get; set; }
    public short I16 { get; set; }
    public ushort U16 { get; set; }
    public int I32 { get; set; }
    public uint U32 { get; set; }
    public long I64 { get; set; }
    public ulong U64 { get; set; }
    public int? MaybeI32 { get; set; }
    public float F32 { get; set; }
    public double F64 { get; set; }
    public double? MaybeF64 { get; set; }
    public decimal Money { get; set; }
    public decimal? MaybeMoney { get; set; }
    public DateTime When { get; set; }
    public DateTimeOffset WhenOffset { get; set; }
    public DateTimeOffset? MaybeWhen { get; set; }
    public DateOnly Day { get; set; }
    public DateOnly? MaybeDay { get; set; }
    public TimeSpan Elapsed { get; set; }
    public TimeSpan? MaybeElapsed { get; set; }
    public Guid Id { get; set; }
    public Guid? MaybeId { get; set; }
    public Side Side { get; set; }
    public Side? MaybeSide { get; set; }
    public byte[] Blob { get; set; } = [];
    public byte[]? MaybeBlob { get; set; }
    public int[] Numbers { get; set; } = [];
    public List<string?> Tags { get; set; } = [];
    public IReadOnlyList<Address>? Addresses { get; set; }
    public Address Home { get; set; } = new("", null, null);
    public Address? Work { get; set; }
    public int[][] Matrix { get; set; } = [];
    public string Computed => Text + "!";
}

[KafkaMessage(EnumFormat = KafkaEnumFormat.Value)]
public partial record struct Access(Permissions Permissions, Side Side);

[KafkaMessage]
public sealed partial class Renamed
{
    [KafkaField("ts", Column = "event_time")]
    public DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("k")]
    public required string Key2 { get; init; }

    [JsonIgnore]
    public string Ignored { get; set; } = "default";
}

/// <summary>Members read from Kafka headers beside members read from the JSON value.</summary>
[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Traced(
    string Symbol,
    [KafkaHeader("trace-id")] string? TraceId,
    [KafkaHeader("tenant")] int Tenant,
    [KafkaHeader("sent-at")] DateTimeOffset? SentAt,
    [KafkaHeader("sig")] byte[]? Signature,
    [KafkaHeader("side")] Side? Side,
    [KafkaHeader("urgent")] bool? Urgent);

/// <summary>An Avro record: its members are the reader schema.</summary>
[KafkaMessage(Format = KafkaFormat.Avro, NamingPolicy = KafkaNamingPolicy.SnakeCaseLower)]
public partial record AvroTrade(string Symbol, long? Quantity, DateTimeOffset TradeTime, Permissions Rights, List<Trade> Legs, [property: KafkaField(Column = "ref")] Guid RefId);

/// <summary>An Avro record whose enum has a name Avro cannot carry ("short-sell").</summary>
[KafkaMessage(Format = KafkaFormat.Avro)]
public partial record AvroOrder(Side Side);

/// <summary>A type with a header member, which cannot be nested in another.</summary>
[KafkaMessage]
public partial record WithHeader([KafkaHeader("tenant")] string? Tenant);

[KafkaMessage]
public partial record HoldsWithHeader(WithHeader Inner);
