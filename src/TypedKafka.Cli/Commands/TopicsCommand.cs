using System.CommandLine;
using Confluent.Kafka;
using Spectre.Console;
using TypedKafka.Cli.Output;

namespace TypedKafka.Cli.Commands;

/// <summary><c>typedkafka topics</c>: topics, partitions, leaders, watermarks and message counts; with --times the first and last messages' times.</summary>
internal static class TopicsCommand
{
    public static Command Create(IAnsiConsole console, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var configFile = SharedOptions.ConfigFile();
        var bootstrap = SharedOptions.BootstrapServers(environment, configFile);
        var names = new Argument<string[]>("TOPIC") { Description = "Topics to show; default: every topic except internal ones (names starting with __).", Arity = ArgumentArity.ZeroOrMore };
        var times = new Option<bool>("--times")
        {
            Description = $"Also read each partition's first and last message and show their timestamps (UTC); 'empty' for an empty partition, 'unknown' when none was read within {TopicsReader.Wait.TotalSeconds:0} s.",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document: {\"topics\":[{\"name\",\"messages\",\"partitions\":[{\"partition\",\"leader\",\"low\",\"high\",\"messages\",\"first\",\"last\"}]}]}." };
        var settings = SharedOptions.Config();

        var command = new Command("topics", "List topics with their partitions' leaders, low and high watermarks and message counts (high - low).")
        {
            bootstrap, configFile, names, times, json, settings,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            try
            {
                var config = SharedOptions.ClientConfig(parse.GetValue(bootstrap), parse.GetValue(configFile), parse.GetValue(settings) ?? []);
                var withTimes = parse.GetValue(times);
                var topics = parse.GetValue(names) ?? [];

                // The client blocks: off the invocation's thread, so that Ctrl+C is seen.
                var partitions = await Task.Run(() => new TopicsReader(config).Read(topics, withTimes, cancellation), CancellationToken.None);
                if (parse.GetValue(json))
                {
                    TopicsOutput.WriteJson(stdout, partitions, withTimes);
                }
                else if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
                {
                    console.Write(TopicsOutput.Table(partitions, withTimes));
                }
                else
                {
                    TopicsOutput.WritePlain(stdout, partitions, withTimes);
                }

                await stdout.FlushAsync(CancellationToken.None);
                return 0;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return ReplayCommand.Interrupted;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KafkaException or InvalidOperationException)
            {
                await stderr.WriteLineAsync($"typedkafka topics: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
