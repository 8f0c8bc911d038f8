using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using TypedKafka.Cli.Output;

namespace TypedKafka.Cli.Commands;

/// <summary><c>typedkafka tail</c>: the ordered stream of topics printed as lines, until Ctrl+C, --until or --max-messages.</summary>
internal static class TailCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var configFile = SharedOptions.ConfigFile();
        var bootstrap = SharedOptions.BootstrapServers(environment, configFile);
        var topics = SharedOptions.Topics(
            "A topic and where to start, NAME:POLICY[:ARG] (repeatable), e.g. events:latest or events:relative_time:15m; the policies of 'replay --topic'.");
        var format = new Option<string>("--format")
        {
            Description = "text: TIME TOPIC[PARTITION]@OFFSET KEY VALUE, key and value as text when printable UTF-8, else 0x and hex. "
                + "json: one object a line, {topic, partition, offset, timestamp, key, key_encoding, value, value_encoding}, key and value as text (utf8) or base64.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var until = SharedOptions.Until(
            "Stop here: 'end' (the end of each partition when the command starts) or a time, exclusive: " + TimeArgument.InstantForms + ".");
        var maxMessages = SharedOptions.MaxMessages("Stop after this many messages, the first ones in timestamp order.");
        var settings = SharedOptions.Config();

        var command = new Command("tail", "Print topics' messages in timestamp order across partitions, one line each, until Ctrl+C, --until or --max-messages. A summary goes to stderr.")
        {
            bootstrap, configFile, topics, format, until, maxMessages, settings,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            try
            {
                var config = SharedOptions.ClientConfig(parse.GetValue(bootstrap), parse.GetValue(configFile), parse.GetValue(settings) ?? []);
                var run = new TailRun(config, parse.GetRequiredValue(topics), parse.GetValue(format) == "json", parse.GetValue(until), parse.GetValue(maxMessages), stdout, stderr);

                // Poll blocks: off the invocation's thread, so that Ctrl+C is seen between polls.
                var summary = await Task.Run(() => run.Run(cancellation), CancellationToken.None);
                await stderr.WriteLineAsync($"typedkafka tail: {summary}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KafkaException or NotSupportedException or IOException)
            {
                await stderr.WriteLineAsync($"typedkafka tail: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}

/// <summary>One tail: poll, print, stop when asked, complete (--until) or at --max-messages; returns the summary line.</summary>
internal sealed class TailRun(
    Dictionary<string, string> config, IReadOnlyList<SourceTopic> topics, bool json, ReplayEnd? until, long? maxMessages, TextWriter stdout, TextWriter stderr)
{
    public string Run(CancellationToken cancellation)
    {
        using var manager = new ConsumerManager(config, topics, new ConsumerOptions { Until = until });
        foreach (var warning in TimePolicyWarnings.For(manager, topics))
        {
            stderr.WriteLine($"typedkafka tail: {warning}");
        }

        var lines = new MessageLines(json);
        var printed = 0L;
        var pastMax = 0L;
        string end;
        while (true)
        {
            if (cancellation.IsCancellationRequested)
            {
                end = "stopped";
                break;
            }

            using var batch = manager.Poll(timeoutMs: 250);
            var rows = (int)Math.Min(batch.Length, (maxMessages ?? long.MaxValue) - printed);
            stdout.Write(lines.Format(batch, rows));
            stdout.Flush();

            printed += rows;
            if (printed == maxMessages)
            {
                pastMax = batch.Length - rows;
                end = "stopped at --max-messages";
                break;
            }

            if (until is not null && manager.IsComplete)
            {
                end = "complete (--until reached)";
                break;
            }
        }

        // Messages consumed and not printed: say so, and why, rather than drop them silently.
        var held = manager.HeldMessageCount;
        return string.Create(CultureInfo.InvariantCulture, $"{printed:N0} messages; {end}")
            + (held + pastMax == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; {held + pastMax:N0} consumed and not printed (")
                + string.Join(", ", new[]
                {
                    held > 0 ? string.Create(CultureInfo.InvariantCulture, $"{held:N0} held for ordering") : null,
                    pastMax > 0 ? string.Create(CultureInfo.InvariantCulture, $"{pastMax:N0} past --max-messages") : null,
                }.OfType<string>()) + ")");
    }
}
