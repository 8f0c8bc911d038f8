using System.Diagnostics;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>Client errors that stop progress are raised by Poll, naming the setting to change, instead of stalling it.</summary>
public sealed class ClientErrorTests(ITestOutputHelper output) : IDisposable
{
    private const long Base = 1_767_225_600_000;

    private readonly LocalKafkaCluster _cluster = new() { MaxMessageBytes = 2 << 20 };

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void A_message_larger_than_receive_message_max_bytes_fails_poll_naming_the_setting()
    {
        var topic = $"large-{Guid.NewGuid():N}";
        _cluster.CreateTopic(topic, 1);
        _cluster.Produce(topic, [new LocalMessage(0, Base, null, new byte[1 << 20])]);
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = _cluster.BootstrapServers, ["receive.message.max.bytes"] = "600000", ["fetch.max.bytes"] = "500000", ["message.max.bytes"] = "100000" },
            [SourceTopic.FromEarliest(topic)]);

        var clock = Stopwatch.StartNew();
        var polls = 0;
        var error = Assert.Throws<KafkaException>(() =>
        {
            // Fails the test after Replay.Patience rather than polling forever, as the stall did.
            while (clock.Elapsed < Replay.Patience)
            {
                polls++;
                using var batch = manager.Poll(200);
                Assert.Equal(0, batch.Length);
            }
        });

        output.WriteLine($"after {polls} polls, {clock.ElapsedMilliseconds} ms: {error.Message}");
        Assert.Contains("receive.message.max.bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("600000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_message_is_read_once_receive_message_max_bytes_allows_it()
    {
        var topic = $"large-{Guid.NewGuid():N}";
        _cluster.CreateTopic(topic, 1);
        _cluster.Produce(topic, [new LocalMessage(0, Base, null, new byte[1 << 20])]);
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = _cluster.BootstrapServers },
            [SourceTopic.FromEarliest(topic)]);

        var rows = Replay.UntilLive(manager);

        Assert.Equal(1 << 20, Assert.Single(rows).Value!.Length);
    }
}
