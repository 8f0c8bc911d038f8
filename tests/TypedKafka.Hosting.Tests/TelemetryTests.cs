using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using TypedKafka.Testing;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Metrics seen through <see cref="MeterListener"/>, and logs that never show secrets.</summary>
public sealed class TelemetryTests : IDisposable
{
    private const string Password = "pa55-w0rd-that-must-not-leak";

    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task The_TypedKafka_meter_reports_released_consumed_held_paused_progress_and_live_per_consumer()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 30);
        var name = $"metered-{Guid.NewGuid():N}";
        var latest = new ConcurrentDictionary<string, double>();
        var releasedTotal = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "TypedKafka")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "typedkafka.consumer" && (string?)tag.Value == name)
                {
                    if (instrument.Name == "typedkafka.released")
                    {
                        Interlocked.Add(ref releasedTotal, (long)value);
                    }

                    latest[instrument.Name] = value;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using var host = Build(
            new()
            {
                ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
                [$"TypedKafka:Consumers:{name}:Topics:0"] = "ticks:earliest",
                [$"TypedKafka:Consumers:{name}:BatchSize"] = "4",
            },
            b => b.AddConsumer<Tick, TickHandler>(name),
            _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 30, "all ticks handled");
        await Eventually(
            () =>
            {
                listener.RecordObservableInstruments();
                return latest.GetValueOrDefault("typedkafka.live") == 1;
            },
            "the live gauge reads 1");
        await host.StopAsync();

        Assert.Equal(30, Interlocked.Read(ref releasedTotal));
        Assert.Equal(30, latest["typedkafka.consumed"]);
        Assert.Equal(0, latest["typedkafka.held.messages"]);
        Assert.Equal(0, latest["typedkafka.held.bytes"]);
        Assert.Equal(0, latest["typedkafka.paused_partitions"]);
        Assert.Equal(1.0, latest["typedkafka.replay.progress"]);
    }

    [Fact]
    public async Task Sasl_password_values_never_appear_in_the_logs()
    {
        _cluster.CreateTopic("ticks", 1);
        ProduceTicks(_cluster, "ticks", partitions: 1, count: 5);
        var logs = new CapturedLogs();
        // The handler's exception quotes the password, as careless code might.
        _recorder.FailFirstCalls = int.MaxValue;
        _recorder.FailureMessage = $"could not log in with {Password}";

        var settings = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
            ["TypedKafka:Kafka:sasl.username"] = "alice",
            ["TypedKafka:Kafka:sasl.password"] = Password,
            ["TypedKafka:Consumers:ticks:Topics:0"] = "ticks:earliest",
            ["TypedKafka:Consumers:ticks:Kafka:ssl.key.password"] = Password + "-key",
            ["TypedKafka:Consumers:missing:Topics:0"] = "no-such-topic:earliest",
        };

        // One run fails in the handler, one when connecting: both log their settings and an error.
        using (var failingHandler = Build(settings, b => b.AddConsumer<Tick, TickHandler>("ticks"), _recorder, logs))
        {
            await failingHandler.StartAsync();
            await failingHandler.WaitForShutdownAsync();
        }

        using (var failingStart = Build(settings, b => b.AddConsumer<RawHandler>("missing"), _recorder, logs))
        {
            await failingStart.StartAsync();
            await failingStart.WaitForShutdownAsync();
        }

        var all = logs.All;
        Assert.Contains("sasl.password=***", all, StringComparison.Ordinal);
        Assert.Contains("ssl.key.password=***", all, StringComparison.Ordinal);
        Assert.Contains("sasl.username=alice", all, StringComparison.Ordinal);
        Assert.Contains("could not log in with ***", all, StringComparison.Ordinal);
        Assert.Contains("no-such-topic", all, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, all, StringComparison.Ordinal);
    }
}
