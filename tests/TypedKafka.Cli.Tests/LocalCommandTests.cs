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
        using var process = Process.Start(new ProcessStartInfo("dotnet", [cli, "local", "--brokers", "3", "--topic", "events:8"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
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
            Assert.Contains("stopped", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
