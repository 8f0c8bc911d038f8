using System.Text.Json;
using Microsoft.Extensions.Hosting;
using TypedKafka.Testing;

namespace HostedConsumer;

/// <summary>Stands in for a real cluster when none is configured: an embedded one, some history, and a live trickle of trades.</summary>
internal sealed class LocalMarket : BackgroundService
{
    public const string Topic = "trades";

    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOG"];
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly LocalKafkaCluster _cluster;
    private long _sequence;

    public LocalMarket(LocalKafkaCluster cluster)
    {
        _cluster = cluster;
        _cluster.CreateTopic(Topic, partitions: 3);
        // Five minutes of history, 300 trades spread over three partitions.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Produce(Enumerable.Range(0, 300).Select(i => now - 300_000 + (i * 1_000)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Produce([now, now, now]);
        }
    }

    private void Produce(IEnumerable<long> timestamps) =>
        _cluster.Produce(Topic, timestamps.Select(timestampMs =>
        {
            var i = _sequence++;
            var trade = new Trade(Symbols[i % Symbols.Length], 100 + (i % 50), 10 * (1 + (i % 7)));
            return LocalMessage.FromStrings((int)(i % 3), timestampMs, trade.Symbol, JsonSerializer.Serialize(trade, Web));
        }).ToList());
}
