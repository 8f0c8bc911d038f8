using System.CommandLine;
using System.Globalization;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Commands;

/// <summary><c>typedkafka local</c>: an embedded cluster in the foreground until stopped.</summary>
internal static class LocalCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of brokers, with ids 1 to N.", DefaultValueFactory = _ => 1 };
        brokers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--brokers must be at least 1.");
            }
        });
        var topics = new Option<(string Name, int Partitions)[]>("--topic")
        {
            Description = "A topic to create, as NAME:PARTITIONS (repeatable), e.g. events:8.",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result => [.. result.Tokens.Select(token => ParseTopic(token.Value, result))],
        };

        var schemaRegistry = new Option<bool>("--schema-registry")
        {
            Description = "Also run an in-process Schema Registry (the REST subset Confluent's serializers use) on 127.0.0.1; its URL is the second line of output.",
        };
        var command = new Command("local", "Run an embedded Kafka-protocol cluster on 127.0.0.1 until stopped (Ctrl+C). The first line of output is its bootstrap servers.")
        {
            brokers,
            topics,
            schemaRegistry,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var cluster = new LocalKafkaCluster(parse.GetValue(brokers));
            foreach (var (name, partitions) in parse.GetValue(topics) ?? [])
            {
                cluster.CreateTopic(name, partitions);
            }

            using var registry = parse.GetValue(schemaRegistry) ? new LocalSchemaRegistry() : null;
            await stdout.WriteLineAsync(cluster.BootstrapServers);
            if (registry is not null)
            {
                await stdout.WriteLineAsync(registry.Url);
            }

            await stdout.FlushAsync(cancellation);
            await stderr.WriteLineAsync($"typedkafka local: {cluster.BrokerCount} broker(s) at {cluster.BootstrapServers}"
                + (registry is null ? string.Empty : $", schema registry at {registry.Url}") + "; Ctrl+C stops them.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
            }

            await stderr.WriteLineAsync("typedkafka local: stopped.");
            return 0;
        });
        return command;
    }

    private static (string, int) ParseTopic(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) && partitions > 0)
        {
            return (text[..colon], partitions);
        }

        result.AddError($"--topic '{text}': expected NAME:PARTITIONS, for example events:8.");
        return (text, 1);
    }
}
