namespace TypedKafka.Generators.Analyzers;

/// <summary>
/// Every analyzer diagnostic id, in one place. <c>TK00xx</c> are analyzer rules; the source
/// generator's own diagnostics are numbered <c>TK1xxx</c>. Ids are never reused.
/// </summary>
internal static class DiagnosticIds
{
    public const string InvalidTopicName = "TK0001";
    public const string NegativeLookback = "TK0002";
    public const string ZeroLookback = "TK0003";
    public const string LookbackBeyondRetention = "TK0004";
    public const string TimestampInSeconds = "TK0005";
    public const string TimestampBeforeEpoch = "TK0006";
    public const string UnknownTimeZone = "TK0007";
    public const string TimeOfDayOutOfRange = "TK0008";
    public const string DuplicateTopic = "TK0009";
    public const string NonPositiveLimit = "TK0010";
    public const string CutoffInSeconds = "TK0011";
    public const string InvalidCommittedFallback = "TK0012";
    public const string EmptyTopicList = "TK0013";
}
