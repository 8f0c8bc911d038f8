using System.Diagnostics;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// Errors while reading watermarks at construction: retried when they pass, named when they do
/// not, never turned into a guessed replay range.
/// </summary>
public sealed class OffsetReadFaultTests(ITestOutputHelper output) : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private const int Partitions = 8;
    private const int PerPartition = 250;

    private readonly LocalKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    private string TopicWithHistory()
    {
        var topic = $"faults-{Guid.NewGuid():N}";
        _cluster.CreateTopic(topic, Partitions);
        _cluster.Produce(topic, Enumerable.Range(0, Partitions * PerPartition)
            .Select(i => LocalMessage.FromStrings(i % Partitions, Base + i, null, $"v{i}")));
        return topic;
    }

    private Dictionary<string, string> Config() => new() { ["bootstrap.servers"] = _cluster.BootstrapServers };

    // One error made the client's watermark query answer high..high for partition 0, silently
    // skipping its history; two made construction fail though the errors pass.
    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPart, 1)]
    [InlineData(ErrorCode.UnknownTopicOrPart, 2)]
    [InlineData(ErrorCode.NotLeaderForPartition, 1)]
    [InlineData(ErrorCode.NotLeaderForPartition, 2)]
    [InlineData(ErrorCode.LeaderNotAvailable, 2)]
    public void A_passing_list_offsets_error_is_retried_and_the_whole_history_replayed(ErrorCode error, int times)
    {
        var topic = TopicWithHistory();
        _cluster.PushRequestErrors(KafkaApiKey.ListOffsets, [.. Enumerable.Repeat(error, times)]);

        using var manager = new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)]);
        var rows = Replay.UntilLive(manager);

        output.WriteLine($"{error} x{times}: {rows.Count} of {Partitions * PerPartition} replayed");
        Assert.Equal(Partitions * PerPartition, rows.Count);
        Replay.AssertEachOnceInOffsetOrder(rows);
    }

    [Fact]
    public void A_refused_list_offsets_fails_construction_naming_the_partition_and_the_error()
    {
        var topic = TopicWithHistory();
        _cluster.PushRequestErrors(KafkaApiKey.ListOffsets, ErrorCode.TopicAuthorizationFailed);

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<KafkaException>(() => new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)]));

        output.WriteLine($"after {clock.ElapsedMilliseconds} ms: {error.Message}");
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        Assert.Contains($"{topic}[", error.Message, StringComparison.Ordinal);
    }
}
