using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedKafka.Testing;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary><c>Consumers:NAME:ConsumerGroup</c> and <c>Consumers:NAME:Instances</c>: several group members in one host.</summary>
public sealed class ConsumerGroupHostingTests : IDisposable
{
    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Two_instances_share_the_partitions_each_row_is_handled_once_and_health_reports_the_partitions_held()
    {
        _cluster.CreateTopic("ticks", 4);
        ProduceTicks(_cluster, "ticks", partitions: 4, count: 400);
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
            ["TypedKafka:Consumers:ticks:Topics:0"] = "ticks:earliest",
            ["TypedKafka:Consumers:ticks:ConsumerGroup"] = $"ticks-{Guid.NewGuid():N}",
            ["TypedKafka:Consumers:ticks:Instances"] = "2",
            ["TypedKafka:Consumers:ticks:CommitHandled"] = "true",
            // The embedded brokers wait session.timeout.ms - 1 s for members to rejoin before they assign anew.
            ["TypedKafka:Consumers:ticks:Kafka:session.timeout.ms"] = "3000",
            ["TypedKafka:Consumers:ticks:Kafka:heartbeat.interval.ms"] = "300",
            ["TypedKafka:Consumers:ticks:Kafka:fetch.wait.max.ms"] = "10",
        };

        using var host = Build(settings, b => b.AddConsumer<RawHandler>("ticks"), _recorder, logs);
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await Eventually(() => _recorder.RawRows.Select(r => (r.Partition, r.Offset)).Distinct().Count() == 400, "all 400 rows handled");
        HealthReport report = null!;
        await Eventually(
            () =>
            {
                report = health.CheckHealthAsync().GetAwaiter().GetResult();
                return report.Entries.Count == 2 && report.Entries.Values.Sum(e => (int)e.Data["partitions"]) == 4 && report.Entries.Values.All(e => (int)e.Data["partitions"] > 0);
            },
            "the two instances hold two partitions each",
            () => $"health: {string.Join("; ", report?.Entries.Select(e => $"{e.Key} {e.Value.Description} partitions={e.Value.Data["partitions"]}") ?? [])}{Environment.NewLine}{string.Join(Environment.NewLine, logs.Lines.Select(l => l.Text).Where(t => t.Contains("group", StringComparison.OrdinalIgnoreCase) || t.Contains("rebalanc", StringComparison.OrdinalIgnoreCase)))}");
        await host.StopAsync();

        Assert.Equal(["typedkafka:ticks#0", "typedkafka:ticks#1"], report.Entries.Keys.Order());
        Assert.Equal(400, _recorder.RawRows.Count);
        Assert.Contains(logs.Lines, l => l.Text.Contains("Consumer group ticks-", StringComparison.Ordinal) && l.Text.Contains(": gained ticks[", StringComparison.Ordinal));
    }
}
