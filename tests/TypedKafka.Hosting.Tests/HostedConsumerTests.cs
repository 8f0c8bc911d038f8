using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedKafka.Testing;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Consumers run by a generic host against <see cref="LocalKafkaCluster"/>.</summary>
public sealed class HostedConsumerTests : IDisposable
{
    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
            ["TypedKafka:Consumers:ticks:Topics:0"] = "ticks:earliest",
            ["TypedKafka:Consumers:ticks:BatchSize"] = "7",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task A_typed_consumer_hands_history_to_its_handler_in_timestamp_order_and_stops_with_the_host()
    {
        _cluster.CreateTopic("ticks", 3);
        ProduceTicks(_cluster, "ticks", partitions: 3, count: 60);

        using var host = Build(Settings(), b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 60, "all 60 ticks handled");
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), _recorder.Ticks.Select(t => t.Sequence));
    }

    [Fact]
    public async Task The_clients_log_lines_go_to_the_hosts_logging_under_the_consumers_name()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 5);
        var logs = new CapturedLogs();

        using var host = Build(Settings(("TypedKafka:Consumers:ticks:Kafka:debug", "consumer")), b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder, logs: logs);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 5, "all 5 ticks handled");
        await host.StopAsync();

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Debug && l.Text.Contains("TypedKafka.Client.ticks: librdkafka ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_raw_consumer_hands_message_batches_to_its_handler()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 20);

        using var host = Build(Settings(), b => b.AddConsumer<RawHandler>("ticks"), _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.RawRows.Count == 20, "all 20 messages handled");
        await host.StopAsync();

        Assert.Equal(20, _recorder.RawRows.Distinct().Count());
        Assert.All(_recorder.RawRows, r => Assert.Equal("ticks", r.Topic));
    }

    [Fact]
    public async Task After_a_restart_a_committed_group_resumes_after_the_last_handled_batch()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 30);
        var settings = Settings(
            ("TypedKafka:Consumers:ticks:Topics:0", "ticks:committed:earliest"),
            ("TypedKafka:Consumers:ticks:CommitHandled", "true"),
            ("TypedKafka:Kafka:group.id", "hosting-restart"));

        using (var first = Build(settings, b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder))
        {
            await first.StartAsync();
            await Eventually(() => _recorder.Ticks.Count == 30, "the first run handles 30 ticks");
            await first.StopAsync();
        }

        ProduceTicks(_cluster, "ticks", partitions: 2, count: 10, firstSequence: 30);
        var second = new Recorder();
        using (var restarted = Build(settings, b => b.AddConsumer<Tick, TickHandler>("ticks"), second))
        {
            await restarted.StartAsync();
            await Eventually(() => second.Ticks.Count >= 10, "the second run handles the 10 new ticks");
            await restarted.StopAsync();
        }

        Assert.Equal(Enumerable.Range(30, 10).Select(i => (long)i), second.Ticks.Select(t => t.Sequence));
    }

    [Fact]
    public async Task Stopping_finishes_the_batch_in_hand()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 20);
        _recorder.HoldFirstBatch = new SemaphoreSlim(0);

        using var host = Build(Settings(), b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Calls == 1, "the first batch is in the handler");
        var stopping = host.StopAsync();
        _recorder.HoldFirstBatch.Release();
        await stopping;

        // Only the batch in hand was handled, and all of it: a prefix of the topic, nothing after.
        Assert.Equal(1, _recorder.Calls);
        Assert.NotEmpty(_recorder.Ticks);
        Assert.Equal(Enumerable.Range(0, _recorder.Ticks.Count).Select(i => (long)i), _recorder.Ticks.Select(t => t.Sequence));
    }

    [Fact]
    public async Task Health_is_degraded_while_replaying_with_progress_and_healthy_when_live()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 40);
        _recorder.HoldFirstBatch = new SemaphoreSlim(0);

        using var host = Build(Settings(), b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StartAsync();
        await Eventually(() => _recorder.Calls == 1, "the first batch is in the handler");

        var replaying = (await health.CheckHealthAsync()).Entries["typedkafka:ticks"];
        _recorder.HoldFirstBatch.Release();
        await Eventually(() => _recorder.Ticks.Count == 40, "all ticks handled");
        await Eventually(() => health.CheckHealthAsync().Result.Entries["typedkafka:ticks"].Status == HealthStatus.Healthy, "healthy once live");
        await host.StopAsync();

        Assert.Equal(HealthStatus.Degraded, replaying.Status);
        Assert.Contains("replaying", replaying.Description, StringComparison.Ordinal);
        Assert.InRange((double)replaying.Data["replayProgress"], 0.0, 0.99);
    }

    [Fact]
    public async Task Under_StopHost_a_handler_exception_stops_the_host_and_logs_the_batch_offsets()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 10);
        _recorder.FailFirstCalls = int.MaxValue;
        var logs = new CapturedLogs();

        using var host = Build(Settings(), b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder, logs);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StartAsync();
        await host.WaitForShutdownAsync();

        Assert.Equal(1, _recorder.Calls);
        var entry = (await health.CheckHealthAsync()).Entries["typedkafka:ticks"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("ticks[0]:0-", entry.Description, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Critical && l.Text.Contains("ticks[0]:0-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Under_Retry_the_same_batch_is_handed_again_until_it_succeeds()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 10);
        _recorder.FailFirstCalls = 2;
        var logs = new CapturedLogs();

        using var host = Build(
            Settings(
                ("TypedKafka:Consumers:ticks:OnHandlerError:Policy", "Retry"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:MaxAttempts", "3"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:InitialDelay", "00:00:00.010")),
            b => b.AddConsumer<Tick, TickHandler>("ticks"),
            _recorder,
            logs);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 10, "all ticks handled");
        await host.StopAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), _recorder.Ticks.Select(t => t.Sequence));
        Assert.Equal(2, logs.Lines.Count(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("ticks[0]:0-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Under_Retry_the_host_stops_when_the_attempts_are_used_up()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 10);
        _recorder.FailFirstCalls = int.MaxValue;

        using var host = Build(
            Settings(
                ("TypedKafka:Consumers:ticks:OnHandlerError:Policy", "Retry"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:MaxAttempts", "3"),
                ("TypedKafka:Consumers:ticks:OnHandlerError:InitialDelay", "00:00:00.010")),
            b => b.AddConsumer<Tick, TickHandler>("ticks"),
            _recorder);
        await host.StartAsync();
        await host.WaitForShutdownAsync();

        Assert.Equal(3, _recorder.Calls);
        Assert.Empty(_recorder.Ticks);
    }

    [Fact]
    public async Task Under_Retry_a_stop_during_the_wait_abandons_the_batch_without_committing_it()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 10);
        _recorder.FailFirstCalls = int.MaxValue;
        var settings = Settings(
            ("TypedKafka:Consumers:ticks:Topics:0", "ticks:committed:earliest"),
            ("TypedKafka:Consumers:ticks:CommitHandled", "true"),
            ("TypedKafka:Kafka:group.id", "hosting-abandoned-retry"),
            ("TypedKafka:Consumers:ticks:OnHandlerError:Policy", "Retry"),
            ("TypedKafka:Consumers:ticks:OnHandlerError:InitialDelay", "00:10:00"),
            ("TypedKafka:Consumers:ticks:OnHandlerError:MaxDelay", "00:10:00"));

        using (var first = Build(settings, b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder))
        {
            await first.StartAsync();
            await Eventually(() => _recorder.Calls == 1, "the first attempt failed");
            await first.StopAsync();
        }

        var second = new Recorder();
        using (var restarted = Build(settings, b => b.AddConsumer<Tick, TickHandler>("ticks"), second))
        {
            await restarted.StartAsync();
            await Eventually(() => second.Ticks.Count == 10, "the restart handles every tick");
            await restarted.StopAsync();
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), second.Ticks.Select(t => t.Sequence));
    }

    [Fact]
    public async Task A_consumer_that_cannot_start_is_unhealthy_and_stops_the_host()
    {
        var logs = new CapturedLogs();

        using var host = Build(
            Settings(("TypedKafka:Consumers:ticks:Topics:0", "no-such-topic:earliest")),
            b => b.AddConsumer<Tick, TickHandler>("ticks"),
            _recorder,
            logs);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StartAsync();
        await host.WaitForShutdownAsync();

        var entry = (await health.CheckHealthAsync()).Entries["typedkafka:ticks"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("no-such-topic", entry.Description, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Critical && l.Text.Contains("no-such-topic", StringComparison.Ordinal));
        Assert.Equal(0, _recorder.Calls);
    }
}
