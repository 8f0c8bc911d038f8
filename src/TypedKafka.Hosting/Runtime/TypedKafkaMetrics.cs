using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Reflection;
using TypedKafka.Telemetry;

namespace TypedKafka.Hosting.Runtime;

/// <summary>
/// What the host adds to the core's telemetry: the handler's side. The consumers themselves publish
/// consumption, lag, memory and progress on the core's <c>TypedKafka</c> meter (ConsumerInstruments);
/// this meter, of the same name and made by the host's <see cref="IMeterFactory"/>, counts handled
/// rows, windows and errors, times each handler call (<c>messaging.process.duration</c>), and the
/// activity source of that name gets a <c>process</c> activity per handler call.
/// Every instrument here is tagged <c>typedkafka.consumer</c> with the consumer's name.
/// </summary>
internal sealed class TypedKafkaMetrics : IDisposable
{
    public const string ConsumerTag = "typedkafka.consumer";

    // OpenTelemetry's advice for messaging.process.duration, in seconds.
    private static readonly double[] ProcessBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // The process activities' source: one for the process, as listeners subscribe to it by name.
    private static readonly ActivitySource ActivitySource = new(
        TypedKafkaTelemetry.ActivitySourceName,
        typeof(TypedKafkaMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly Meter _meter;
    private readonly Counter<long> _released;
    private readonly Counter<long> _handlerErrors;
    private readonly Counter<long> _windows;
    private readonly Counter<long> _lateRows;
    private readonly Histogram<double> _processDuration;

    public TypedKafkaMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(TypedKafkaTelemetry.MeterName) ?? new Meter(TypedKafkaTelemetry.MeterName);
        _released = _meter.CreateCounter<long>("typedkafka.released", "{message}", "Messages released in timestamp order and handled.");
        _handlerErrors = _meter.CreateCounter<long>("typedkafka.handler.errors", "{error}", "Handler calls that threw.");
        _windows = _meter.CreateCounter<long>("typedkafka.windows", "{window}", "Windows handed to the handler.");
        _lateRows = _meter.CreateCounter<long>("typedkafka.windows.late_rows", "{message}", "Live rows put in a later window because theirs was already handed over.");
        _processDuration = _meter.CreateHistogram(
            "messaging.process.duration", "s", "Duration of a handler call with a batch or a window.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ProcessBuckets });
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

    /// <summary>
    /// Starts timing a handler call and, when someone listens to the activity source, its
    /// <c>process</c> activity, linked to the producers' trace contexts found in the rows' headers.
    /// </summary>
    public static Processing StartProcessing(ProcessTags tags, IDelivery delivery)
    {
        Activity? activity = null;
        var source = ActivitySource;
        if (source.HasListeners())
        {
            List<KeyValuePair<string, object?>> attributes = [.. tags.Attributes, new(MessagingAttributes.OperationType, MessagingAttributes.Process), new(MessagingAttributes.BatchMessageCount, delivery.RowCount)];
            if (delivery.Window is { } window)
            {
                attributes.Add(new("typedkafka.window.start", window.Start.ToString("O", CultureInfo.InvariantCulture)));
                attributes.Add(new("typedkafka.window.end", window.End.ToString("O", CultureInfo.InvariantCulture)));
                attributes.Add(new("typedkafka.window.closed_by", window.ClosedBy.ToString()));
            }

            activity = source.StartActivity(tags.ActivityName, ActivityKind.Consumer, parentContext: default, attributes, ProducerLinks.Read(delivery.Batches));
        }

        return new Processing(activity, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Ends a handler call: records its duration and ends its activity, with <c>error.type</c> (the
    /// exception's type) when it threw and <paramref name="description"/>, the failure scrubbed of secrets, as the activity's status.
    /// </summary>
    public void EndProcessing(ProcessTags tags, Processing processing, Exception? error = null, string? description = null)
    {
        var seconds = Stopwatch.GetElapsedTime(processing.StartedAt).TotalSeconds;
        if (error is null)
        {
            _processDuration.Record(seconds, tags.Attributes);
        }
        else
        {
            var errorType = error.GetType().FullName ?? error.GetType().Name;
            _processDuration.Record(seconds, [.. tags.Attributes, new(MessagingAttributes.ErrorType, errorType)]);
            processing.Activity?.SetTag(MessagingAttributes.ErrorType, errorType);
            processing.Activity?.SetStatus(ActivityStatusCode.Error, description);
        }

        processing.Activity?.Dispose();
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>A handler call under way.</summary>
    internal readonly record struct Processing(Activity? Activity, long StartedAt);

    /// <summary>
    /// One consumer's attributes for its handler calls: <c>messaging.system</c>, <c>messaging.operation.name</c>
    /// (<c>process</c>), the group when configured, the topic when it reads only one (a batch of several
    /// topics has no single destination), and <c>typedkafka.consumer</c>.
    /// </summary>
    internal sealed class ProcessTags
    {
        public ProcessTags(string consumer, IReadOnlyDictionary<string, string> settings, IList<string> topics)
        {
            List<KeyValuePair<string, object?>> attributes =
            [
                new(MessagingAttributes.System, MessagingAttributes.Kafka),
                new(MessagingAttributes.OperationName, MessagingAttributes.Process),
            ];
            if (settings.TryGetValue("group.id", out var group))
            {
                attributes.Add(new(MessagingAttributes.ConsumerGroup, group));
            }

            var names = topics.Select(t => SourceTopic.Parse(t).Name).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count == 1)
            {
                attributes.Add(new(MessagingAttributes.Destination, names[0]));
            }

            attributes.Add(new(ConsumerTag, consumer));
            Attributes = [.. attributes];
            ActivityName = names.Count == 1 ? $"{MessagingAttributes.Process} {names[0]}" : MessagingAttributes.Process;
        }

        public KeyValuePair<string, object?>[] Attributes { get; }

        /// <summary><c>process TOPIC</c>, or <c>process</c> for a consumer of several topics, as the conventions name spans.</summary>
        public string ActivityName { get; }
    }
}
