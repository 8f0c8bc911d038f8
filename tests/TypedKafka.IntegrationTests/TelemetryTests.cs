using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Apache.Arrow;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// The <c>TypedKafka</c> meter as a MeterListener sees it, for a consumer used without a host: names,
/// units and attributes from OpenTelemetry's messaging conventions, and values that match what was read.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private const long Base = 1_767_225_600_000;

    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _clientId = $"telemetry-{Guid.NewGuid():N}";
    private readonly MeterRecorder _meter;

    public TelemetryTests() => _meter = new MeterRecorder(_clientId);

    public void Dispose()
    {
        _meter.Dispose();
        _cluster.Dispose();
    }

    [Fact]
    public void Instruments_carry_the_messaging_conventions_names_and_units()
    {
        _cluster.CreateTopic("named", 1);
        using var manager = Consumer([SourceTopic.FromEarliest("named")]);

        var expected = new Dictionary<string, string>
        {
            ["messaging.client.consumed.messages"] = "{message}",
            ["typedkafka.lag"] = "{message}",
            ["typedkafka.held.messages"] = "{message}",
            ["typedkafka.held.bytes"] = "By",
            ["typedkafka.paused.partitions"] = "{partition}",
            ["typedkafka.idle.partitions"] = "{partition}",
            ["typedkafka.replay.progress"] = "1",
            ["typedkafka.live"] = "1",
            ["typedkafka.out_of_order_releases"] = "{message}",
            ["typedkafka.lost_messages"] = "{message}",
        };
        foreach (var (name, unit) in expected)
        {
            Assert.True(_meter.Units.TryGetValue(name, out var published), $"{name} is not published on the {TypedKafkaTelemetry.MeterName} meter.");
            Assert.Equal(unit, published);
        }
    }

    [Fact]
    public void The_consumed_counter_equals_what_was_produced_per_partition_with_kafka_attributes()
    {
        _cluster.CreateTopic("counted", 3);
        var perPartition = new[] { 40, 7, 0 };
        for (var p = 0; p < perPartition.Length; p++)
        {
            var partition = p;
            _cluster.Produce("counted", Enumerable.Range(0, perPartition[p]).Select(i => new LocalMessage(partition, Base + (i * 10L), null, new byte[20])));
        }

        var group = $"group-{Guid.NewGuid():N}";
        using var manager = Consumer([SourceTopic.FromEarliest("counted")], group);
        var rows = Replay.UntilLive(manager);
        Assert.Equal(47, rows.Count);

        var consumed = _meter.Observe("messaging.client.consumed.messages");
        Assert.Equal(3, consumed.Count);
        for (var p = 0; p < perPartition.Length; p++)
        {
            var measurement = Assert.Single(consumed, m => (string?)m.Tags["messaging.destination.partition.id"] == p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(perPartition[p], measurement.Value);
            Assert.Equal("kafka", measurement.Tags["messaging.system"]);
            Assert.Equal("counted", measurement.Tags["messaging.destination.name"]);
            Assert.Equal(group, measurement.Tags["messaging.consumer.group.name"]);
            Assert.Equal("poll", measurement.Tags["messaging.operation.name"]);
            Assert.StartsWith(_clientId + "#consumer-", (string?)measurement.Tags["messaging.client.id"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void In_a_consumer_group_the_partitions_come_by_rebalance_and_are_counted_as_they_come()
    {
        _cluster.CreateTopic("grouped", 3);
        var perPartition = new[] { 30, 5, 0 };
        for (var p = 0; p < perPartition.Length; p++)
        {
            var partition = p;
            _cluster.Produce("grouped", Enumerable.Range(0, perPartition[p]).Select(i => new LocalMessage(partition, Base + (i * 10L), null, new byte[20])));
        }

        // The engine starts with no partition and gains them in a poll: the instruments follow.
        var group = $"group-{Guid.NewGuid():N}";
        var config = Config();
        config["session.timeout.ms"] = "3000";
        using var manager = new ConsumerManager(config, [SourceTopic.FromEarliest("grouped")], new ConsumerOptions { ConsumerGroup = group });
        var rows = Replay.Until(manager, r => r.Count == 35);

        // Polls refresh the snapshot at most every 100 ms: a replay this short can end within 100 ms of
        // the one taken before the rebalance, which held no partition yet (1 run in 3 with the batch intake).
        manager.Telemetry.Refresh(force: true);
        var consumed = _meter.Observe("messaging.client.consumed.messages");
        Assert.Equal(
            perPartition.Select((count, p) => (p.ToString(System.Globalization.CultureInfo.InvariantCulture), (double)count)),
            consumed.Select(m => ((string)m.Tags["messaging.destination.partition.id"]!, m.Value)).OrderBy(m => m.Item1, StringComparer.Ordinal));
        Assert.All(consumed, m => Assert.Equal(group, m.Tags["messaging.consumer.group.name"]));
        Assert.Equal(3, _meter.Observe("typedkafka.lag").Count);
    }

    [Fact]
    public void Without_a_configured_group_no_group_attribute_is_set()
    {
        _cluster.CreateTopic("groupless", 1);
        using var manager = Consumer([SourceTopic.FromEarliest("groupless")]);

        var progress = Assert.Single(_meter.Observe("typedkafka.replay.progress"));
        Assert.False(progress.Tags.ContainsKey("messaging.consumer.group.name"));
        Assert.Equal("kafka", progress.Tags["messaging.system"]);
    }

    [Fact]
    public void Lag_falls_to_zero_per_partition_once_live_also_past_a_transaction_marker()
    {
        _cluster.CreateTopic("lagging", 2);
        _cluster.Produce("lagging", Enumerable.Range(0, 300).Select(i => new LocalMessage(0, Base + i, null, new byte[50])));
        // Five messages and a commit marker: the high watermark is 6, the last message at offset 4.
        _cluster.ProduceTransaction("lagging", Enumerable.Range(0, 5).Select(i => new LocalMessage(1, Base + i, null, new byte[50])));
        using var manager = Consumer([SourceTopic.FromEarliest("lagging")]);

        // At start nothing is consumed: the lag is the whole log.
        Assert.Equal(new long[] { 300, 6 }, LagByPartition());

        // Read on until live; the snapshot behind the gauge is taken after polls, at most every 100 ms.
        Replay.Until(manager, _ => manager.IsLive && LagByPartition().All(l => l == 0));
        Assert.Equal(1.0, Assert.Single(_meter.Observe("typedkafka.replay.progress")).Value);
        Assert.Equal(1.0, Assert.Single(_meter.Observe("typedkafka.live")).Value);
    }

    [Fact]
    public void Held_messages_and_bytes_match_the_consumer_and_stay_within_the_bound_under_skew()
    {
        _cluster.CreateTopic("skew", 4);
        _cluster.Produce("skew", Enumerable.Range(0, 6_000).Select(i => new LocalMessage(0, Base + (i * 180L), null, new byte[100])));
        for (var p = 1; p < 4; p++)
        {
            var partition = p;
            _cluster.Produce("skew", Enumerable.Range(0, 60).Select(i => new LocalMessage(partition, Base + (i * 18_000L) + partition, null, new byte[100])));
        }

        const long maxHeldBytes = 60_000;
        const int batchSize = 200;
        using var manager = new ConsumerManager(
            Config(),
            [SourceTopic.FromEarliest("skew")],
            new ConsumerOptions { BatchSize = batchSize, MaxHeldMessages = 1_000, MaxHeldBytes = maxHeldBytes });

        long peakBytes = 0;
        var samples = 0;
        Replay.UntilLive(manager, m =>
        {
            m.Telemetry.Refresh(force: true);
            var bytes = (long)Assert.Single(_meter.Observe("typedkafka.held.bytes")).Value;
            var messages = (int)Assert.Single(_meter.Observe("typedkafka.held.messages")).Value;
            Assert.Equal(m.HeldMessageCount, messages);
            Assert.Equal(HeldBytes(m), bytes);
            Assert.Equal(m.PausedPartitionCount, (int)Assert.Single(_meter.Observe("typedkafka.paused.partitions")).Value);
            peakBytes = Math.Max(peakBytes, bytes);
            samples++;
        });

        Assert.True(samples > 0);
        // Above the bound only the partitions the release waits for take anything in: one poll's intake at most.
        Assert.True(peakBytes <= maxHeldBytes + (batchSize * 100L), $"Peak {peakBytes} held bytes.");
        Assert.Equal(0, Assert.Single(_meter.Observe("typedkafka.held.bytes")).Value);
    }

    [Fact]
    public void A_disposed_consumer_is_no_longer_observed()
    {
        _cluster.CreateTopic("gone", 1);
        var manager = Consumer([SourceTopic.FromEarliest("gone")]);
        Assert.Single(_meter.Observe("typedkafka.live"));

        manager.Dispose();

        Assert.Empty(_meter.Observe("typedkafka.live"));
        Assert.Empty(_meter.Observe("messaging.client.consumed.messages"));
    }

    private long[] LagByPartition() =>
        _meter.Observe("typedkafka.lag")
            .OrderBy(m => (string?)m.Tags["messaging.destination.partition.id"], StringComparer.Ordinal)
            .Select(m => (long)m.Value)
            .ToArray();

    private static long HeldBytes(ConsumerManager manager)
    {
        using var state = manager.PartitionState();
        var held = (Int64Array)state.Column("held_bytes");
        return Enumerable.Range(0, state.Length).Sum(i => held.GetValue(i)!.Value);
    }

    private Dictionary<string, string> Config(string? group = null)
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = _cluster.BootstrapServers, ["client.id"] = _clientId };
        if (group is not null)
        {
            config["group.id"] = group;
        }

        return config;
    }

    private ConsumerManager Consumer(IEnumerable<SourceTopic> topics, string? group = null) => new(Config(group), topics);

    public sealed record Observed(double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Listens to the TypedKafka meter and keeps the measurements of one client id (tests run side by side in one process).</summary>
    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _clientId;
        private readonly ConcurrentQueue<(string Instrument, Observed Measurement)> _measurements = new();

        public MeterRecorder(string clientId)
        {
            _clientId = clientId;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TypedKafkaTelemetry.MeterName)
                {
                    Units[instrument.Name] = instrument.Unit;
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
            _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
            _listener.Start();
        }

        public ConcurrentDictionary<string, string?> Units { get; } = new();

        /// <summary>Collects the observable instruments once and returns this client's measurements of one.</summary>
        public List<Observed> Observe(string instrument)
        {
            lock (_listener)
            {
                _measurements.Clear();
                _listener.RecordObservableInstruments();
                return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Measurement).ToList();
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            if (dictionary.TryGetValue("messaging.client.id", out var id) && id is string client && client.StartsWith(_clientId + "#", StringComparison.Ordinal))
            {
                _measurements.Enqueue((instrument.Name, new Observed(value, dictionary)));
            }
        }
    }
}
