using HostedConsumer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TypedKafka;
using TypedKafka.Testing;

var builder = Host.CreateApplicationBuilder(args);

// With no brokers configured, run against an embedded cluster with sample trades.
using var cluster = string.IsNullOrWhiteSpace(builder.Configuration["TypedKafka:BootstrapServers"]) ? new LocalKafkaCluster() : null;
if (cluster is not null)
{
    builder.Configuration["TypedKafka:BootstrapServers"] = cluster.BootstrapServers;
    builder.Services.AddSingleton(cluster);
    builder.Services.AddHostedService<LocalMarket>();
    Console.WriteLine($"No TypedKafka:BootstrapServers configured: started a local cluster at {cluster.BootstrapServers}.");
}

// The consumers' metrics on the console every Telemetry:ExportSeconds (10 by default), and with
// Telemetry:Traces=true an activity per handled batch; any OpenTelemetry exporter takes the same two names.
var exportSeconds = builder.Configuration.GetValue("Telemetry:ExportSeconds", 10);
var openTelemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(TypedKafkaTelemetry.MeterName)
    .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = exportSeconds * 1_000));
if (builder.Configuration.GetValue("Telemetry:Traces", false))
{
    openTelemetry.WithTracing(tracing => tracing.AddSource(TypedKafkaTelemetry.ActivitySourceName).AddConsoleExporter());
}

builder.Services
    .AddTypedKafka(builder.Configuration.GetSection("TypedKafka"))
    .AddConsumer<Trade, TradePrinter>("trades");

using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);

// A consumer that failed (Critical log, health Unhealthy) stopped the host and set Environment.ExitCode
// to 1, which this Main, returning no value, exits with: a supervisor sees the failure.
if (Environment.ExitCode != 0)
{
    Console.Error.WriteLine($"A consumer failed; exiting with code {Environment.ExitCode}.");
}
