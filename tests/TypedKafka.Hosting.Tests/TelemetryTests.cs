using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Microsoft.Extensions.Hosting;
using TypedKafka.Hosting.Runtime;
using TypedKafka.Testing;
using TypedKafka.Windows;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Metrics seen through <see cref="MeterListener"/>, activities through <see cref="ActivityListener"/>, and logs that never show secrets.</summary>
public sealed class TelemetryTests : IDisposable
{
    private const string Password = "pa55-w0rd-that-must-not-leak";

    private readonly LocalKafkaCluster _cluster = new();
    private readonly Recorder _recorder = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task A_hosted_consumer_publishes_the_core_instruments_and_its_handler_metrics()
    {
        _cluster.CreateTopic("ticks", 2);
        ProduceTicks(_cluster, "ticks", partitions: 2, count: 30);
        var name = $"metered-{Guid.NewGuid():N}";
        var latest = new ConcurrentDictionary<string, double>();
        var releasedTotal = 0L;
        var consumedByPartition = new ConcurrentDictionary<string, double>();
        var durations = new ConcurrentQueue<Dictionary<string, object?>>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TypedKafkaTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var all = Tags(tags);
            if ((string?)all.GetValueOrDefault("typedkafka.consumer") == name)
            {
                // The host's own instruments: the handler's side.
                if (instrument.Name == "typedkafka.released")
                {
                    Interlocked.Add(ref releasedTotal, (long)value);
                }
                else if (instrument.Name == "messaging.process.duration")
                {
                    durations.Enqueue(all);
                }
            }
            else if (all.GetValueOrDefault("messaging.client.id") is string client && client.StartsWith(name + "#consumer-", StringComparison.Ordinal))
            {
                // The consumer's, published by the core: the host sets client.id to the consumer's name.
                if (instrument.Name == "messaging.client.consumed.messages")
                {
                    consumedByPartition[(string)all["messaging.destination.partition.id"]!] = value;
                }

                latest[instrument.Name] = value;
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
                [$"TypedKafka:Consumers:{name}:PollTimeout"] = "00:00:00.100",
            },
            b => b.AddConsumer<Tick, TickHandler>(name),
            _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 30, "all ticks handled");
        await Eventually(
            () =>
            {
                listener.RecordObservableInstruments();
                return latest.GetValueOrDefault("typedkafka.live") == 1 && latest.GetValueOrDefault("typedkafka.lag", -1) == 0;
            },
            "the live gauge reads 1 and the lag 0");
        await host.StopAsync();

        Assert.Equal(30, Interlocked.Read(ref releasedTotal));
        Assert.Equal(30, consumedByPartition.Values.Sum());
        Assert.Equal(2, consumedByPartition.Count);
        Assert.Equal(0, latest["typedkafka.held.messages"]);
        Assert.Equal(0, latest["typedkafka.held.bytes"]);
        Assert.Equal(0, latest["typedkafka.paused.partitions"]);
        Assert.Equal(1.0, latest["typedkafka.replay.progress"]);

        // One duration per handler call, with the messaging attributes of a process operation.
        Assert.Equal(Volatile.Read(ref _recorder.Calls), durations.Count);
        Assert.All(durations, d =>
        {
            Assert.Equal("kafka", d["messaging.system"]);
            Assert.Equal("process", d["messaging.operation.name"]);
            Assert.Equal("ticks", d["messaging.destination.name"]);
            Assert.False(d.ContainsKey("error.type"));
        });
    }

    [Fact]
    public async Task Each_handled_batch_gets_a_process_activity_with_its_message_count()
    {
        _cluster.CreateTopic("traced", 2);
        ProduceTicks(_cluster, "traced", partitions: 2, count: 30);
        var name = $"traced-{Guid.NewGuid():N}";
        var group = $"group-{Guid.NewGuid():N}";
        using var activities = new ActivityRecorder(name);

        using var host = Build(
            new()
            {
                ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
                [$"TypedKafka:Consumers:{name}:Topics:0"] = "traced:earliest",
                [$"TypedKafka:Consumers:{name}:BatchSize"] = "4",
                [$"TypedKafka:Consumers:{name}:Kafka:group.id"] = group,
            },
            b => b.AddConsumer<Tick, TickHandler>(name),
            _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 30, "all ticks handled");
        await host.StopAsync();

        var stopped = activities.Stopped.ToList();
        Assert.Equal(Volatile.Read(ref _recorder.Calls), stopped.Count);
        Assert.Equal(30L, stopped.Sum(a => (long)a.GetTagItem("messaging.batch.message_count")!));
        Assert.All(stopped, a =>
        {
            Assert.Equal("process traced", a.DisplayName);
            Assert.Equal(ActivityKind.Consumer, a.Kind);
            Assert.Equal(ActivityStatusCode.Unset, a.Status);
            Assert.Equal("kafka", a.GetTagItem("messaging.system"));
            Assert.Equal("process", a.GetTagItem("messaging.operation.name"));
            Assert.Equal("process", a.GetTagItem("messaging.operation.type"));
            Assert.Equal("traced", a.GetTagItem("messaging.destination.name"));
            Assert.Equal(group, a.GetTagItem("messaging.consumer.group.name"));
            Assert.InRange((long)a.GetTagItem("messaging.batch.message_count")!, 1, 4);
            Assert.Empty(a.Links);
        });
    }

    [Fact]
    public async Task A_failing_handler_call_ends_its_activity_in_error_with_its_exception_type()
    {
        _cluster.CreateTopic("failing", 1);
        ProduceTicks(_cluster, "failing", partitions: 1, count: 3);
        var name = $"failing-{Guid.NewGuid():N}";
        using var activities = new ActivityRecorder(name);
        _recorder.FailFirstCalls = int.MaxValue;
        _recorder.FailureMessage = $"could not log in with {Password}";

        using var host = Build(
            new()
            {
                ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
                ["TypedKafka:Kafka:sasl.password"] = Password,
                [$"TypedKafka:Consumers:{name}:Topics:0"] = "failing:earliest",
            },
            b => b.AddConsumer<Tick, TickHandler>(name),
            _recorder);
        await host.StartAsync();
        await host.WaitForShutdownAsync();

        var failed = Assert.Single(activities.Stopped);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("could not log in with ***", failed.StatusDescription);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Each_handled_window_gets_a_process_activity_with_its_bounds()
    {
        _cluster.CreateTopic("windowed", 1);
        ProduceTicks(_cluster, "windowed", partitions: 1, count: 50, spacingMs: 1_000);
        var name = $"windowed-{Guid.NewGuid():N}";
        using var activities = new ActivityRecorder(name);

        using var host = Build(
            new()
            {
                ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
                [$"TypedKafka:Consumers:{name}:Topics:0"] = "windowed:earliest",
                [$"TypedKafka:Consumers:{name}:Until"] = "end",
                [$"TypedKafka:Consumers:{name}:Window:Length"] = "00:00:30",
            },
            b => b.AddWindowedConsumer<Tick, TickWindowHandler>(name),
            _recorder);
        await host.StartAsync();
        await host.WaitForShutdownAsync();

        // Ticks at 0..49 s: the windows [0, 30) and [30, 60), the second handed over as the bounded read ends.
        var stopped = activities.Stopped.OrderBy(a => (string)a.GetTagItem("typedkafka.window.start")!, StringComparer.Ordinal).ToList();
        Assert.Equal(2, stopped.Count);
        Assert.Equal([30L, 20L], stopped.Select(a => (long)a.GetTagItem("messaging.batch.message_count")!));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Base).ToString("O", CultureInfo.InvariantCulture), stopped[0].GetTagItem("typedkafka.window.start"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Base + 30_000).ToString("O", CultureInfo.InvariantCulture), stopped[0].GetTagItem("typedkafka.window.end"));
        Assert.All(stopped, a => Assert.Equal("process windowed", a.DisplayName));
    }

    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task With_headers_kept_a_process_activity_links_to_the_traceparent_each_message_was_produced_with()
    {
        _cluster.CreateTopic("propagated", 1);
        var traces = Enumerable.Range(0, 6).Select(_ => ActivityTraceId.CreateRandom()).ToList();
        _cluster.Produce("propagated", traces.Select((trace, i) => LocalMessage.FromStrings(0, Base + i, "S0", System.Text.Json.JsonSerializer.Serialize(new Tick("S0", 100 + i, i), WebJson)) with
        {
            Headers = [new("traceparent", Encoding.UTF8.GetBytes($"00-{trace.ToHexString()}-b7ad6b7169203331-01"))],
        }));
        var name = $"propagated-{Guid.NewGuid():N}";
        using var activities = new ActivityRecorder(name);

        using var host = Build(
            new()
            {
                ["TypedKafka:BootstrapServers"] = _cluster.BootstrapServers,
                [$"TypedKafka:Consumers:{name}:Topics:0"] = "propagated:earliest",
                [$"TypedKafka:Consumers:{name}:BatchSize"] = "4",
                [$"TypedKafka:Consumers:{name}:IncludeHeaders"] = "true",
            },
            b => b.AddConsumer<Tick, TickHandler>(name),
            _recorder);
        await host.StartAsync();
        await Eventually(() => _recorder.Ticks.Count == 6, "all ticks handled");
        await host.StopAsync();

        var links = activities.Stopped.SelectMany(a => a.Links).Select(l => l.Context.TraceId.ToHexString()).Order(StringComparer.Ordinal);
        Assert.Equal(traces.Select(t => t.ToHexString()).Order(StringComparer.Ordinal), links);
    }

    [Fact]
    public void A_process_activity_links_to_the_producer_contexts_of_a_headers_column()
    {
        // Until the engine stores headers (ConsumerOptions.IncludeHeaders), a batch with that column is built by hand.
        const string producer = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var name = $"linked-{Guid.NewGuid():N}";
        using var activities = new ActivityRecorder(name);
        using var batch = HeadersBatch(producer);
        using var metrics = new TypedKafkaMetrics();
        var tags = new TypedKafkaMetrics.ProcessTags(name, new Dictionary<string, string>(), ["orders:earliest"]);

        metrics.EndProcessing(tags, TypedKafkaMetrics.StartProcessing(tags, new HandedBatch(batch)));

        var activity = Assert.Single(activities.Stopped);
        var link = Assert.Single(activity.Links);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", link.Context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", link.Context.SpanId.ToHexString());
        Assert.Equal(1L, activity.GetTagItem("messaging.batch.message_count"));
        Assert.Equal("process orders", activity.DisplayName);
    }

    /// <summary>A one-row batch whose <c>headers</c> column (<c>list&lt;struct&lt;key: utf8, value: binary&gt;&gt;</c>) holds a traceparent.</summary>
    private static Apache.Arrow.RecordBatch HeadersBatch(string traceParent)
    {
        var entryType = new StructType([new Field("key", StringType.Default, nullable: false), new Field("value", BinaryType.Default, nullable: true)]);
        var listType = new ListType(new Field("item", entryType, nullable: false));
        var entries = new StructArray(
            entryType, 1, [new StringArray.Builder().Append("traceparent").Build(), new BinaryArray.Builder().Append(Encoding.UTF8.GetBytes(traceParent)).Build()], ArrowBuffer.Empty);
        var headers = new ListArray(listType, 1, new ArrowBuffer.Builder<int>().Append(0).Append(1).Build(), entries, ArrowBuffer.Empty);
        return new Apache.Arrow.RecordBatch(new Schema.Builder().Field(new Field("headers", listType, nullable: true)).Build(), [headers], 1);
    }

    private sealed class HandedBatch(Apache.Arrow.RecordBatch rows) : IDelivery
    {
        public long RowCount => rows.Length;

        public ClosedWindow? Window => null;

        public IReadOnlyList<Apache.Arrow.RecordBatch> Batches => [rows];

        public string Describe() => "batch";

        public ValueTask HandleAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Dispose()
        {
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            all[tag.Key] = tag.Value;
        }

        return all;
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

/// <summary>Keeps the TypedKafka activities of one hosted consumer (tests run side by side in one process).</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public ActivityRecorder(string consumer)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TypedKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("typedkafka.consumer") == consumer)
                {
                    Stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public void Dispose() => _listener.Dispose();
}
