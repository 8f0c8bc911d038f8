using System.Diagnostics.Metrics;

namespace TypedKafka.Hosting.Runtime;

/// <summary>The <c>TypedKafka</c> meter: every instrument is tagged <c>typedkafka.consumer</c> with the consumer's name.</summary>
internal sealed class TypedKafkaMetrics : IDisposable
{
    public const string MeterName = "TypedKafka";
    public const string ConsumerTag = "typedkafka.consumer";

    private readonly Meter _meter;
    private readonly Counter<long> _released;
    private readonly Counter<long> _handlerErrors;
    private readonly Counter<long> _windows;
    private readonly Counter<long> _lateRows;

    public TypedKafkaMetrics(ConsumerRegistry registry, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _released = _meter.CreateCounter<long>("typedkafka.released", "{message}", "Messages released in timestamp order and handed to the handler.");
        _handlerErrors = _meter.CreateCounter<long>("typedkafka.handler.errors", "{error}", "Handler calls that threw.");
        _windows = _meter.CreateCounter<long>("typedkafka.windows", "{window}", "Windows handed to the handler.");
        _lateRows = _meter.CreateCounter<long>("typedkafka.windows.late_rows", "{message}", "Live rows put in a later window because theirs was already handed over.");
        _meter.CreateObservableCounter("typedkafka.consumed", () => Observe(registry, s => s.Consumed), "{message}", "Messages consumed from Kafka.");
        _meter.CreateObservableGauge("typedkafka.held.messages", () => Observe(registry, s => Volatile.Read(ref s.HeldMessages)), "{message}", "Messages held back for ordering.");
        _meter.CreateObservableGauge("typedkafka.held.bytes", () => Observe(registry, s => Interlocked.Read(ref s.HeldBytes)), "By", "Key and value bytes held back for ordering.");
        _meter.CreateObservableGauge("typedkafka.paused_partitions", () => Observe(registry, s => Volatile.Read(ref s.PausedPartitions)), "{partition}", "Partitions paused for backpressure.");
        _meter.CreateObservableGauge("typedkafka.replay.progress", () => Observe(registry, s => Volatile.Read(ref s.ReplayProgress)), null, "Share of the replay ranges released, 0 to 1.");
        _meter.CreateObservableCounter("typedkafka.out_of_order_releases", () => Observe(registry, s => Interlocked.Read(ref s.OutOfOrderReleases)), "{message}", "Rows released after a row with a later timestamp (a late row, an idle partition back, a live row past the hold).");
        _meter.CreateObservableCounter("typedkafka.lost_messages", () => Observe(registry, s => Interlocked.Read(ref s.LostMessages)), "{message}", "Messages deleted from the log before they were read (FailOnDataLoss off).");
        _meter.CreateObservableGauge("typedkafka.partitions", () => Observe(registry, s => Volatile.Read(ref s.Partitions)), "{partition}", "Partitions read now; in a consumer group, those this instance holds.");
        _meter.CreateObservableGauge("typedkafka.idle_partitions", () => Observe(registry, s => Volatile.Read(ref s.IdlePartitions)), "{partition}", "Partitions left out of the watermark by the idle timeout.");
        _meter.CreateObservableGauge("typedkafka.live", () => Observe(registry, s => s.Phase == ConsumerPhase.Live ? 1 : 0), null, "1 once every partition is live, else 0.");
    }

    public void Released(ConsumerStatus status, long count)
    {
        status.AddReleased(count);
        _released.Add(count, new KeyValuePair<string, object?>(ConsumerTag, status.Name));
    }

    public void WindowHandled(ConsumerStatus status, long lateRows)
    {
        var tag = new KeyValuePair<string, object?>(ConsumerTag, status.Name);
        _windows.Add(1, tag);
        if (lateRows > 0)
        {
            _lateRows.Add(lateRows, tag);
        }
    }

    public void HandlerError(ConsumerStatus status) => _handlerErrors.Add(1, new KeyValuePair<string, object?>(ConsumerTag, status.Name));

    public void Dispose() => _meter.Dispose();

    private static List<Measurement<TValue>> Observe<TValue>(ConsumerRegistry registry, Func<ConsumerStatus, TValue> read)
        where TValue : struct =>
        registry.All.Select(s => new Measurement<TValue>(read(s), new KeyValuePair<string, object?>(ConsumerTag, s.Name))).ToList();
}
