using TypedKafka;

namespace TypedQuickstart;

/// <summary>A trade as the venues publish it, in camelCase JSON.</summary>
[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Trade(string Symbol, double Price, long Quantity, DateTimeOffset TradeTime, string? Venue);
