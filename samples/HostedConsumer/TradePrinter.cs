using Microsoft.Extensions.Logging;
using TypedKafka;
using TypedKafka.Hosting;

namespace HostedConsumer;

/// <summary>Prints a line per batch: how many trades, the time they span, and the total volume.</summary>
internal sealed partial class TradePrinter(ILogger<TradePrinter> logger) : IBatchHandler<Trade>
{
    private long _total;

    public ValueTask HandleAsync(TypedBatch<Trade> batch, CancellationToken cancellationToken)
    {
        var trades = batch.Records.ToList();
        _total += trades.Count;
        var volume = trades.Sum(t => t.Value.Quantity);
        var (first, last) = (trades[0].Timestamp, trades[^1].Timestamp);
        BatchHandled(logger, trades.Count, first, last, volume, _total);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} trades from {First:HH:mm:ss.fff} to {Last:HH:mm:ss.fff} (UTC), volume {Volume}; {Total} so far")]
    private static partial void BatchHandled(ILogger logger, int count, DateTimeOffset first, DateTimeOffset last, long volume, long total);
}
