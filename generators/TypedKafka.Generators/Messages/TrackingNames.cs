namespace TypedKafka.Generators.Messages;

/// <summary>Names of the generator's pipeline steps, so that tests can check which ones an edit re-ran.</summary>
internal static class TrackingNames
{
    public const string Parse = "KafkaMessage.Parse";
    public const string Specs = "KafkaMessage.Specs";
    public const string Diagnostics = "KafkaMessage.Diagnostics";
}
