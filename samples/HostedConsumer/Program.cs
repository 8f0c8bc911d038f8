using HostedConsumer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

builder.Services
    .AddTypedKafka(builder.Configuration.GetSection("TypedKafka"))
    .AddConsumer<Trade, TradePrinter>("trades");

using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
