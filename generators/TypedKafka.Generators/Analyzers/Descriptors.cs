using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace TypedKafka.Generators.Analyzers;

/// <summary>The analyzer rules. Messages name the offending value and say what goes wrong at run time.</summary>
internal static class Descriptors
{
    public static readonly DiagnosticDescriptor InvalidTopicName = Create(
        DiagnosticIds.InvalidTopicName,
        DiagnosticCategories.Topics,
        DiagnosticSeverity.Error,
        title: "Topic name is not legal in Kafka",
        message: "Topic name '{0}' {1}, so SourceTopic throws at run time",
        description: "Kafka topic names have 1 to 249 characters from [a-zA-Z0-9._-] and are neither '.' nor '..'. SourceTopic checks the same rules and throws ArgumentException.");

    public static readonly DiagnosticDescriptor NegativeLookback = Create(
        DiagnosticIds.NegativeLookback,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Error,
        title: "Relative-time look-back is negative",
        message: "Look-back {0} is negative ({1}), so the offset policy throws at run time; a look-back counts back from now",
        description: "A relative-time policy replays from 'now minus the look-back'. A negative look-back would start in the future, which the policy rejects with an exception.");

    public static readonly DiagnosticDescriptor ZeroLookback = Create(
        DiagnosticIds.ZeroLookback,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Warning,
        title: "Relative-time look-back is zero",
        message: "Look-back {0} is zero, which replays nothing; use SourceTopic.FromLatest if only new messages are wanted",
        description: "A zero look-back starts at 'now', which is what FromLatest says more plainly. A zero here is usually a unit mistake or a forgotten value.");

    public static readonly DiagnosticDescriptor LookbackBeyondRetention = Create(
        DiagnosticIds.LookbackBeyondRetention,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Warning,
        title: "Relative-time look-back is longer than any plausible retention",
        message: "Look-back {0} is {1}, longer than 365 days; use SourceTopic.FromEarliest if the whole retained log is meant",
        description: "Topics rarely keep more than a year of data, so a longer look-back usually means a unit mistake (milliseconds taken for seconds, or an absolute timestamp passed as a duration) or a replay that FromEarliest expresses better.");

    public static readonly DiagnosticDescriptor TimestampInSeconds = Create(
        DiagnosticIds.TimestampInSeconds,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Warning,
        title: "Absolute start time looks like Unix seconds, not milliseconds",
        message: "Start time {0} is {1} as milliseconds but {2} as seconds; the start time is in Unix milliseconds",
        description: "Values between 1e9 and 1e11 are 1970-01-12 to 1973-03-03 in milliseconds but 2001 to 5138 in seconds: almost certainly seconds. Read as milliseconds they replay the whole topic from 1970.");

    public static readonly DiagnosticDescriptor TimestampBeforeEpoch = Create(
        DiagnosticIds.TimestampBeforeEpoch,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Error,
        title: "Absolute start time is before 1970",
        message: "Start time {0} is {1}, before the Unix epoch, so the offset policy throws at run time",
        description: "Kafka timestamps are Unix milliseconds and cannot be negative; the absolute-time policy rejects a start before 1970-01-01 with an exception.");

    public static readonly DiagnosticDescriptor UnknownTimeZone = Create(
        DiagnosticIds.UnknownTimeZone,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Error,
        title: "Time zone is not a known IANA id",
        message: "'{0}' is not a known IANA time-zone id, so the start-of-day policy throws at run time{1}",
        description: "FromStartOfDay resolves the zone with TimeZoneInfo.FindSystemTimeZoneById, which needs an IANA id such as 'Europe/London' (or a Windows id that .NET maps to one). Ids are case-sensitive on Linux.");

    public static readonly DiagnosticDescriptor TimeOfDayOutOfRange = Create(
        DiagnosticIds.TimeOfDayOutOfRange,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Error,
        title: "Time of day is outside 00:00-24:00",
        message: "{0} throws ArgumentOutOfRangeException: {1}",
        description: "A start-of-day policy takes a wall-clock time from 00:00 up to, not including, 24:00. TimeOnly rejects any component outside its range when it is constructed.");

    public static readonly DiagnosticDescriptor DuplicateTopic = Create(
        DiagnosticIds.DuplicateTopic,
        DiagnosticCategories.Topics,
        DiagnosticSeverity.Error,
        title: "Topic is listed twice for one consumer",
        message: "Topic '{0}' is already at position {1} of this topic list, so the consumer throws at construction; a topic has one offset policy",
        description: "Each topic of a consumer has exactly one offset policy. A second entry for the same topic is either redundant or contradicts the first, and the consumer rejects it.");

    public static readonly DiagnosticDescriptor NonPositiveLimit = Create(
        DiagnosticIds.NonPositiveLimit,
        DiagnosticCategories.ConsumerOptions,
        DiagnosticSeverity.Error,
        title: "Batch size or held-message bound is not positive",
        message: "{0} is {1}, so the consumer throws at construction; it must be positive",
        description: "batchSize caps the messages per poll; maxHeldMessages and maxHeldBytes bound the buffer that keeps timestamp order. Zero or less leaves nothing to release or hold.");

    public static readonly DiagnosticDescriptor CutoffInSeconds = Create(
        DiagnosticIds.CutoffInSeconds,
        DiagnosticCategories.ConsumerOptions,
        DiagnosticSeverity.Warning,
        title: "Cutoff looks like Unix seconds, not milliseconds",
        message: "Cutoff {0} is {1} as milliseconds but {2} as seconds; cutoffMs is in Unix milliseconds",
        description: "A cutoff in seconds reads as a moment in early 1970, so every partition counts as caught up at once and the replay is skipped.");

    public static readonly DiagnosticDescriptor InvalidCommittedFallback = Create(
        DiagnosticIds.InvalidCommittedFallback,
        DiagnosticCategories.OffsetPolicies,
        DiagnosticSeverity.Error,
        title: "Committed-offset policy has no usable fallback",
        message: "Fallback {0} {1}, so the offset policy throws at run time",
        description: "Partitions the consumer group never committed start from the fallback policy. It must exist and must itself say where to start, so it cannot be another committed-offset policy.");

    public static readonly DiagnosticDescriptor EmptyTopicList = Create(
        DiagnosticIds.EmptyTopicList,
        DiagnosticCategories.Topics,
        DiagnosticSeverity.Error,
        title: "Consumer has no topics",
        message: "Topic list {0} is empty, so the consumer throws at construction",
        description: "A consumer needs at least one topic to read.");

    /// <summary>Every rule, in id order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
    [
        InvalidTopicName, NegativeLookback, ZeroLookback, LookbackBeyondRetention, TimestampInSeconds,
        TimestampBeforeEpoch, UnknownTimeZone, TimeOfDayOutOfRange, DuplicateTopic, NonPositiveLimit,
        CutoffInSeconds, InvalidCommittedFallback, EmptyTopicList,
    ];

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinks.For(id));
}
