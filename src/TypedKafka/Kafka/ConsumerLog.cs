using Microsoft.Extensions.Logging;

namespace TypedKafka.Kafka;

/// <summary>What a consumer reports to <see cref="ConsumerOptions.Logger"/>.</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "{Topic}[{Partition}]: offsets {FirstLost}-{LastLost} ({Count} messages) were deleted before they were read; going on from {Low} (FailOnDataLoss is off).")]
    public static partial void DataLost(ILogger logger, string topic, int partition, long firstLost, long lastLost, long count, long low);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Topic}[{Partition}]: the log was truncated below what was already read.")]
    public static partial void Truncated(ILogger logger, Exception error, string topic, int partition);

    [LoggerMessage(EventId = 3, Message = "librdkafka {Facility}: {Text}")]
    public static partial void Client(ILogger logger, LogLevel level, string facility, string text);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Kafka client error {Code}: {Reason} (the client retries it)")]
    public static partial void ClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Consumer group {Group}: gained {Partitions}; {Held} partition(s) held now.")]
    public static partial void PartitionsGained(ILogger logger, string group, string partitions, int held);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Consumer group {Group}: revoked {Partitions}; committed {Committed}; {Dropped} held row(s) dropped for the next owner; {Held} partition(s) held now.")]
    public static partial void PartitionsRevoked(ILogger logger, string group, string partitions, string committed, int dropped, int held);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Consumer group {Group}: lost {Partitions} (session timeout or max.poll.interval.ms); nothing committed for them; {Dropped} held row(s) dropped; {Held} partition(s) held now.")]
    public static partial void PartitionsLost(ILogger logger, string group, string partitions, int dropped, int held);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Consumer group {Group}: committing {Offsets} at revocation failed ({Reason}); the next owner reads again from the last commit.")]
    public static partial void RevocationCommitFailed(ILogger logger, Exception error, string group, string offsets, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Consumer group {Group}: committing {Offsets} failed ({Reason}); the next commit, or the revocation's, commits them again; if none goes through, the next owner reads again from the last commit.")]
    public static partial void CommitFailedInRebalance(ILogger logger, Exception error, string group, string offsets, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Topic {Topic} gained partition(s) {Partitions}; reading them from the topic's offset policy.")]
    public static partial void PartitionsDiscovered(ILogger logger, string topic, string partitions);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Reading with Confluent's Consume, one message per call, not librdkafka's batch call: {Reason}.")]
    public static partial void NativeIntakeUnavailable(ILogger logger, string reason);

    /// <summary>librdkafka's syslog levels as .NET log levels.</summary>
    public static LogLevel LevelOf(Confluent.Kafka.SyslogLevel level) => level switch
    {
        <= Confluent.Kafka.SyslogLevel.Critical => LogLevel.Critical,
        Confluent.Kafka.SyslogLevel.Error => LogLevel.Error,
        Confluent.Kafka.SyslogLevel.Warning => LogLevel.Warning,
        Confluent.Kafka.SyslogLevel.Notice or Confluent.Kafka.SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
