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
}
