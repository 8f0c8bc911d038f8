using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace TypedKafka.Cli.Commands;

/// <summary>One partition's committed offset in a consumer group and how far the log has gone past it.</summary>
internal sealed record GroupPartition(string Group, string Topic, int Partition, long? Committed, long High)
{
    /// <summary>Messages after the committed offset; null without a commit.</summary>
    public long? Lag => Committed is { } committed ? Math.Max(0, High - committed) : null;
}

/// <summary><c>typedkafka groups GROUP...</c>: committed offsets and lag per partition of consumer groups (<c>replay --group</c>, <c>ConsumerGroup</c>).</summary>
internal static class GroupsCommand
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static Command Create(TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var configFile = SharedOptions.ConfigFile();
        var bootstrap = SharedOptions.BootstrapServers(environment, configFile);
        var groups = new Argument<string[]>("GROUP") { Description = "Consumer groups to show.", Arity = ArgumentArity.OneOrMore };
        var topics = new Option<string[]>("--topic") { Description = "Show these topics' partitions (repeatable), also those without a commit; default: every partition the group committed." };
        var settings = SharedOptions.Config();
        var command = new Command("groups", "Show consumer groups' committed offsets and lag (high watermark - committed) per partition.")
        {
            bootstrap, configFile, groups, topics, settings,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            try
            {
                var config = SharedOptions.ClientConfig(parse.GetValue(bootstrap), parse.GetValue(configFile), parse.GetValue(settings) ?? []);
                var names = parse.GetValue(groups) ?? [];
                var only = parse.GetValue(topics) ?? [];
                var rows = await Task.Run(() => Read(config, names, only), CancellationToken.None);
                Write(stdout, rows);
                await stdout.FlushAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or KafkaException)
            {
                await stderr.WriteLineAsync($"typedkafka groups: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static List<GroupPartition> Read(Dictionary<string, string> config, string[] groups, string[] topics)
    {
        var settings = new ConsumerConfig(config) { EnableAutoCommit = false, GroupId = $"typedkafka-groups-{Guid.NewGuid():N}" };
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(settings).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var asked = topics.Length == 0 ? null : topics.SelectMany(t => Partitions(admin, t)).ToList();
        var rows = new List<GroupPartition>();
        foreach (var group in groups)
        {
            var result = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, asked)], new ListConsumerGroupOffsetsOptions { RequestTimeout = Wait })
                .GetAwaiter().GetResult().Single();
            foreach (var entry in result.Partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value))
            {
                if (entry.Error.IsError)
                {
                    throw new KafkaException(new Error(entry.Error.Code, $"group '{group}', {entry.Topic}[{entry.Partition.Value}]: {entry.Error.Reason}"));
                }

                var high = consumer.QueryWatermarkOffsets(entry.TopicPartition, Wait).High.Value;
                rows.Add(new GroupPartition(group, entry.Topic, entry.Partition.Value, entry.Offset.IsSpecial ? null : entry.Offset.Value, high));
            }
        }

        return rows;
    }

    private static IEnumerable<TopicPartition> Partitions(IAdminClient admin, string topic)
    {
        var found = admin.GetMetadata(topic, Wait).Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code == ErrorCode.UnknownTopicOrPart || found.Partitions.Count == 0)
        {
            throw new ArgumentException($"Topic '{topic}' does not exist.");
        }

        return found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value);
    }

    private static void Write(TextWriter writer, List<GroupPartition> rows)
    {
        string[] headers = ["group", "topic", "partition", "committed", "high", "lag"];
        var cells = rows.Select(r => new[]
        {
            r.Group,
            r.Topic,
            r.Partition.ToString(CultureInfo.InvariantCulture),
            r.Committed?.ToString(CultureInfo.InvariantCulture) ?? "none",
            r.High.ToString(CultureInfo.InvariantCulture),
            r.Lag?.ToString(CultureInfo.InvariantCulture) ?? "-",
        }).Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();
        foreach (var row in cells)
        {
            writer.WriteLine(string.Join("  ", row.Select((cell, c) => c >= 2 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }
    }
}
