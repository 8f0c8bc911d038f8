using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TypedKafka.Testing;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Consumers with <c>Until</c>: bounded jobs that stop the host once every one is complete.</summary>
public sealed class BoundedConsumerTests : IDisposable
{
    // A bounded host stops on its own; this only turns a hang into a failure.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);

    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task A_host_whose_consumer_reads_until_end_handles_exactly_the_log_at_start_then_stops_itself()
    {
        _cluster.CreateTopic("ticks", 3);
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 60);
        using var firstBatchHeld = new SemaphoreSlim(0);
        _recorder.HoldFirstBatch = firstBatchHeld;

        using var host = Build(
            Settings(("TypedKafka:Consumers:ticks:Topics:0", "ticks:earliest"), ("TypedKafka:Consumers:ticks:BatchSize", "7"), ("TypedKafka:Consumers:ticks:Until", "end")),
            b => b.AddConsumer<Tick, TickHandler>("ticks"),
            _recorder);
        await host.StartAsync();

        // The consumer has captured its end offsets: what is produced now is past them.
        await Eventually(() => Volatile.Read(ref _recorder.Calls) == 1, "the first batch is being handled");
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 40, firstSequence: 60);
        firstBatchHeld.Release();

        // The host stops itself; a host's Main then returns normally, with exit code 0.
        await host.WaitForShutdownAsync().WaitAsync(Guard);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), _recorder.Ticks.Select(t => t.Sequence));
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Entries["typedkafka:ticks"].Status);
        Assert.Contains("complete", health.Entries["typedkafka:ticks"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_stops_once_every_bounded_consumer_is_complete()
    {
        _cluster.CreateTopic("ticks", 3);
        _cluster.CreateTopic("quotes", 2);
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 60);
        ProduceTicks(_cluster, "quotes", partitions: 2, count: 30);

        // Ticks are 10 ms apart from Base: before +205 ms come ticks 0 to 20.
        using var host = Build(
            Settings(
                ("TypedKafka:Consumers:ticks:Topics:0", "ticks:earliest"),
                ("TypedKafka:Consumers:ticks:Until", "2026-01-01T00:00:00.205Z"),
                ("TypedKafka:Consumers:quotes:Topics:0", "quotes:earliest"),
                ("TypedKafka:Consumers:quotes:Until", "end")),
            b => b.AddConsumer<Tick, TickHandler>("ticks").AddConsumer<RawHandler>("quotes"),
            _recorder);
        await host.RunAsync().WaitAsync(Guard);

        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), _recorder.Ticks.Select(t => t.Sequence));
        Assert.Equal(30, _recorder.RawRows.Count(r => r.Topic == "quotes"));
    }

    [Theory]
    [InlineData("1767225600", "looks like Unix seconds")]
    [InlineData("tomorrow", "expected 'end' or a time")]
    public async Task A_bad_until_names_its_key(string until, string expected)
    {
        using var host = Build(
            Settings(("TypedKafka:Consumers:ticks:Topics:0", "ticks:earliest"), ("TypedKafka:Consumers:ticks:Until", until)),
            b => b.AddConsumer<Tick, TickHandler>("ticks"),
            _recorder);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("TypedKafka:Consumers:ticks:Until: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
