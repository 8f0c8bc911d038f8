using Apache.Arrow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedKafka.Hosting;
using TypedKafka.Testing;

// Usage: TypedKafka.Hosting.ExitCodeHost fail|complete
// "fail": the handler throws on the first batch (OnHandlerError StopHost). "complete": a bounded read ("Until": "end") that handles everything.
// Main returns no value, so the process exits with Environment.ExitCode, as a worker's Program.cs does.
var mode = args.Length == 1 && args[0] is "fail" or "complete"
    ? args[0]
    : throw new ArgumentException("Expected one argument: fail or complete.");

using var cluster = new LocalKafkaCluster();
cluster.CreateTopic("events", 2);
cluster.Produce("events", Enumerable.Range(0, 20).Select(i => LocalMessage.FromStrings(i % 2, 1_767_225_600_000 + i, $"k{i}", $"v{i}")));

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["TypedKafka:BootstrapServers"] = cluster.BootstrapServers,
    ["TypedKafka:Consumers:events:Topics:0"] = "events:earliest",
    ["TypedKafka:Consumers:events:Until"] = "end",
});
builder.Services.AddSingleton(new Behaviour(mode == "fail"));
builder.Services.AddTypedKafka(builder.Configuration.GetSection("TypedKafka")).AddConsumer<EventHandler>("events");

using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
Console.WriteLine($"Host stopped; Environment.ExitCode is {Environment.ExitCode}.");

internal sealed record Behaviour(bool Fail);

internal sealed class EventHandler(Behaviour behaviour) : IBatchHandler
{
    public ValueTask HandleAsync(RecordBatch batch, CancellationToken cancellationToken) =>
        behaviour.Fail ? throw new InvalidOperationException("the handler gave up") : ValueTask.CompletedTask;
}
