namespace TypedKafka.Generators.Analyzers;

/// <summary>The categories analyzer diagnostics are filed under (as shown in the IDE and in .editorconfig category rules).</summary>
internal static class DiagnosticCategories
{
    /// <summary>Topic names and topic lists.</summary>
    public const string Topics = "TypedKafka.Topics";

    /// <summary>Where a topic's replay starts: durations, timestamps, time zones.</summary>
    public const string OffsetPolicies = "TypedKafka.OffsetPolicies";

    /// <summary>Consumer limits and the replay cutoff.</summary>
    public const string ConsumerOptions = "TypedKafka.ConsumerOptions";
}
