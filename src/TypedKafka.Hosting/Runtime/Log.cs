using Microsoft.Extensions.Logging;

namespace TypedKafka.Hosting.Runtime;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Consumer {Consumer} starting: topics {Topics}, settings {Settings}")]
    public static partial void Starting(ILogger logger, string consumer, string topics, string settings);

    [LoggerMessage(2, LogLevel.Information, "Consumer {Consumer} is live: replay finished after {Released} messages")]
    public static partial void Live(ILogger logger, string consumer, long released);

    [LoggerMessage(3, LogLevel.Warning, "Consumer {Consumer}: handler failed on attempt {Attempt} of {MaxAttempts} for {Delivery}; retrying in {Delay}")]
    public static partial void HandlerRetrying(ILogger logger, Exception exception, string consumer, int attempt, int maxAttempts, string delivery, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Critical, "Consumer {Consumer}: handler failed for {Delivery} ({Attempts} attempts); stopping the host")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string consumer, string delivery, int attempts);

    [LoggerMessage(5, LogLevel.Critical, "Consumer {Consumer} failed; stopping the host")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception, string consumer);

    [LoggerMessage(6, LogLevel.Information, "Consumer {Consumer} stopped after releasing {Released} messages")]
    public static partial void Stopped(ILogger logger, string consumer, long released);

    [LoggerMessage(7, LogLevel.Warning, "Consumer {Consumer}: stopped while retrying {Delivery}; it was not handled and not committed")]
    public static partial void AbandonedRetry(ILogger logger, string consumer, string delivery);

    [LoggerMessage(8, LogLevel.Debug, "Consumer {Consumer}: handled {Delivery}")]
    public static partial void Handled(ILogger logger, string consumer, string delivery);

    [LoggerMessage(9, LogLevel.Information, "Consumer {Consumer} complete: {Released} messages before its end (Until) handled")]
    public static partial void Complete(ILogger logger, string consumer, long released);

    [LoggerMessage(10, LogLevel.Information, "Every TypedKafka consumer is complete; stopping the host")]
    public static partial void AllComplete(ILogger logger);

    [LoggerMessage(11, LogLevel.Warning, "Consumer {Consumer}: {Partition} made no progress for the idle timeout and no longer holds the others back; its late rows will be counted as out of order")]
    public static partial void PartitionIdle(ILogger logger, string consumer, string partition);

    [LoggerMessage(12, LogLevel.Information, "Consumer {Consumer}: {Partition} delivers again and holds the watermark once more")]
    public static partial void PartitionBack(ILogger logger, string consumer, string partition);

    [LoggerMessage(13, LogLevel.Information, "Consumer group {Group}: the open window gave up {Rows} rows of {Partitions}, revoked by a rebalance; their next owner reads them again from the committed offset")]
    public static partial void WindowGaveUpPartitions(ILogger logger, string group, long rows, string partitions);
}
