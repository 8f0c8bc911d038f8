using TypedKafka;

namespace AnalyzerMistakes;

/// <summary>A typed message: the analyzers check the typed consumer's arguments as they check ConsumerManager's.</summary>
[KafkaMessage]
public partial record Trade(string Symbol, double Price, long Quantity, DateTimeOffset TradeTime);
