using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace TypedKafka.Telemetry;

/// <summary>
/// The <c>TypedKafka</c> meter and activity source, and the instruments every consumer publishes.
/// One static meter for the process, not one per consumer: a process may hold many consumers
/// (tests hold hundreds), and exporters subscribe to a meter by name, so one meter with each
/// instrument created once is what they expect; each consumer adds its observations while it lives
/// (<see cref="Add"/> on construction, <see cref="Remove"/> on Dispose), told apart by
/// <c>messaging.client.id</c>. Every instrument here is observable: the poll thread keeps
/// counts and snapshots, the collecting thread reads them, and no measurement is made per message.
/// </summary>
internal static class ConsumerInstruments
{
    private static readonly string? Version = typeof(ConsumerInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly Meter Meter = new(TypedKafkaTelemetry.MeterName, Version);

    private static readonly Lock Gate = new();

    // Copied on write: consumers come and go rarely, collections read it often and without a lock.
    private static ConsumerTelemetry[] s_consumers = [];

    // The instruments read from a consumer's snapshot: taking one is skipped while none of them is listened to.
    private static readonly Instrument[] Snapshotted = CreateInstruments();

    private static Instrument[] CreateInstruments()
    {
        Meter.CreateObservableCounter(
            "messaging.client.consumed.messages", () => PerPartition(c => c.Set, (set, _, i) => Volatile.Read(ref set.Consumed[i]), poll: true), "{message}",
            "Messages the consumer took from the Kafka client (redeliveries of offsets already consumed are not counted).");
        return
        [
            Meter.CreateObservableGauge(
                "typedkafka.lag", () => PerPartition(c => c.Latest.Set, (_, snapshot, i) => snapshot.Lag[i]), "{message}",
                "The partition's high watermark minus the consumer's position: offsets in the log not consumed yet."),
            Meter.CreateObservableGauge(
                "typedkafka.held.messages", () => PerConsumer(s => s.HeldMessages), "{message}",
                "Messages consumed and held back for ordering, not released yet."),
            Meter.CreateObservableGauge(
                "typedkafka.held.bytes", () => PerConsumer(s => s.HeldBytes), "By",
                "Key and value bytes of the held messages (the quantity ConsumerOptions.MaxHeldBytes bounds)."),
            Meter.CreateObservableGauge(
                "typedkafka.paused.partitions", () => PerConsumer(s => s.PausedPartitions), "{partition}",
                "Partitions paused for backpressure."),
            Meter.CreateObservableGauge(
                "typedkafka.idle.partitions", () => PerConsumer(s => s.IdlePartitions), "{partition}",
                "Partitions left out of the replay watermark by ConsumerOptions.IdleTimeout now."),
            Meter.CreateObservableGauge(
                "typedkafka.replay.progress", () => PerConsumer(s => s.ReplayProgress), "1",
                "Share of the replay ranges released, 0 to 1; 1 once live."),
            Meter.CreateObservableGauge(
                "typedkafka.live", () => PerConsumer(s => s.IsLive ? 1 : 0), "1",
                "1 once every partition is live (replay over and released), else 0."),
            Meter.CreateObservableCounter(
                "typedkafka.out_of_order_releases", () => PerPartition(c => c.Latest.Set, (_, snapshot, i) => snapshot.OutOfOrderReleases[i]), "{message}",
                "Messages released after a message with a later timestamp (a late live message, an idle partition back, a live message past the hold)."),
            Meter.CreateObservableCounter(
                "typedkafka.lost_messages", () => PerPartition(c => c.Latest.Set, (_, snapshot, i) => snapshot.LostMessages[i]), "{message}",
                "Messages deleted from the log before they were read (ConsumerOptions.FailOnDataLoss off)."),
        ];
    }

    /// <summary>True while a listener observes an instrument read from the snapshots.</summary>
    public static bool SnapshotObserved
    {
        get
        {
            foreach (var instrument in Snapshotted)
            {
                if (instrument.Enabled)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public static void Add(ConsumerTelemetry consumer)
    {
        lock (Gate)
        {
            s_consumers = [.. s_consumers, consumer];
        }
    }

    public static void Remove(ConsumerTelemetry consumer)
    {
        lock (Gate)
        {
            s_consumers = Array.FindAll(s_consumers, c => !ReferenceEquals(c, consumer));
        }
    }

    /// <summary>One measurement per partition of the set <paramref name="setOf"/> picks (the snapshot's, for what a snapshot holds), read with that set's indexes.</summary>
    private static List<Measurement<long>> PerPartition(
        Func<ConsumerTelemetry, ConsumerTelemetry.PartitionSet> setOf, Func<ConsumerTelemetry.PartitionSet, ConsumerTelemetry.Snapshot, int, long> read, bool poll = false)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var consumer in Volatile.Read(ref s_consumers))
        {
            var snapshot = consumer.Latest;
            var set = setOf(consumer);
            for (var i = 0; i < set.Partitions.Length; i++)
            {
                measurements.Add(new Measurement<long>(read(set, snapshot, i), poll ? set.PollTags[i] : set.Tags[i]));
            }
        }

        return measurements;
    }

    private static List<Measurement<T>> PerConsumer<T>(Func<ConsumerTelemetry.Snapshot, T> read)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        foreach (var consumer in Volatile.Read(ref s_consumers))
        {
            measurements.Add(new Measurement<T>(read(consumer.Latest), consumer.ConsumerTags));
        }

        return measurements;
    }
}
