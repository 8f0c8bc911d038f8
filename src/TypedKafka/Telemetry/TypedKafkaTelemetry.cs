namespace TypedKafka;

/// <summary>
/// The names to subscribe to for TypedKafka's metrics and traces. The library only publishes them
/// (System.Diagnostics.Metrics and ActivitySource); an exporter is the application's choice. With
/// OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(TypedKafkaTelemetry.MeterName))</c> and
/// <c>.WithTracing(t =&gt; t.AddSource(TypedKafkaTelemetry.ActivitySourceName))</c>.
/// docs/telemetry.md lists every instrument and attribute.
/// </summary>
public static class TypedKafkaTelemetry
{
    /// <summary>The meter every consumer publishes on, and the hosted consumers' handler metrics.</summary>
    public const string MeterName = "TypedKafka";

    /// <summary>The activity source of the hosted consumers' <c>process</c> activities, one per handled batch or window.</summary>
    public const string ActivitySourceName = "TypedKafka";
}
