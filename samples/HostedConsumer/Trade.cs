namespace HostedConsumer;

[TypedKafka.KafkaMessage(NamingPolicy = TypedKafka.KafkaNamingPolicy.CamelCase)]
public partial record Trade(string Symbol, double Price, long Quantity);
