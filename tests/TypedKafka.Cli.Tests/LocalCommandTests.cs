using System.Diagnostics;
using Confluent.Kafka;

namespace TypedKafka.Cli.Tests;

/// <summary><c>typedkafka local</c> as a user runs it: its own process, read by an ordinary Kafka client.</summary>
public sealed class LocalCommandTests
{
    [Fact]
    public async Task Local_prints_its_bootstrap_servers_first_serves_any_client_and_stops_on_ctrl_c()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TypedKafka.Cli.dll");
        string[] command = ["dotnet", cli, "local", "--brokers", "3", "--topic", "events:8"];

        // Started in the background of a non-interactive shell (`cmd &`, nohup, some CI runners), this test
        // process ignores SIGINT, and so would the CLI it starts: Ctrl+C could never reach it. Restore it there.
        if (SigIntIgnored())
        {
            command = ["env", "--default-signal=INT", .. command];
        }

        using var process = Process.Start(new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;

        // Read from the start, so a full pipe can never block the CLI.
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var bootstrap = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(bootstrap);
            Assert.Equal(3, bootstrap!.Split(',').Length);
            Assert.All(bootstrap.Split(','), endpoint => Assert.StartsWith("127.0.0.1:", endpoint, StringComparison.Ordinal));

            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            var metadata = admin.GetMetadata("events", TimeSpan.FromSeconds(10));
            Assert.Equal(8, metadata.Topics.Single().Partitions.Count);
            Assert.Equal(3, metadata.Brokers.Count);

            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
            var delivered = await producer.ProduceAsync(new TopicPartition("events", 5), new Message<string, string> { Key = "k", Value = "hello" });
            Assert.Equal(0, delivered.Offset.Value);

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Local_with_a_schema_registry_prints_its_url_second_and_serves_confluent_clients()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TypedKafka.Cli.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [cli, "local", "--schema-registry"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var bootstrap = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("127.0.0.1:", bootstrap, StringComparison.Ordinal);
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

            using var registry = new Confluent.SchemaRegistry.CachedSchemaRegistryClient(new Confluent.SchemaRegistry.SchemaRegistryConfig { Url = url });
            var schema = new Confluent.SchemaRegistry.Schema("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", Confluent.SchemaRegistry.SchemaType.Avro);
            var id = await registry.RegisterSchemaAsync("events-value", schema);
            Assert.Equal(id, (await registry.GetLatestSchemaAsync("events-value")).Id);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            _ = await stderr;
        }
    }

    /// <summary>Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status); its children inherit that.</summary>
    private static bool SigIntIgnored()
    {
        const string Status = "/proc/self/status";
        var line = File.Exists(Status) ? File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & (1UL << (2 - 1))) != 0;
    }
}
