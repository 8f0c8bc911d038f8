using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// Time-based policies against brokers that cannot look offsets up by time (the embedded cluster's):
/// construction fails naming the topic, partition and time, rather than starting at the end and
/// skipping the history without a word.
/// </summary>
public sealed class TimeLookupTests : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private readonly LocalKafkaCluster _cluster = new();

    public TimeLookupTests()
    {
        _cluster.CreateTopic("held", 1);
        _cluster.CreateTopic("empty", 1);
        _cluster.Produce("held", Enumerable.Range(0, 5).Select(i => LocalMessage.FromStrings(0, Base + i, null, $"m{i}")));
    }

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string> Config() => new() { ["bootstrap.servers"] = _cluster.BootstrapServers };

    [Fact]
    public void A_time_policy_on_a_partition_with_messages_throws_naming_topic_partition_and_time()
    {
        var error = Assert.Throws<NotSupportedException>(() => new ConsumerManager(Config(), [SourceTopic.FromAbsoluteTime("held", Base + 2)]));

        Assert.Contains("Topic 'held' partition 0: the cluster cannot look up offsets by time", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-01-01T00:00:00.002Z (1767225600002 ms)", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds offsets 0 to 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_policy_on_an_empty_partition_starts_at_its_end()
    {
        using var manager = new ConsumerManager(Config(), [SourceTopic.FromRelativeTime("empty", TimeSpan.FromHours(1))]);
        using var state = manager.PartitionState();
        Assert.Equal(0, ((Apache.Arrow.Int64Array)state.Column("replay_start_offset")).GetValue(0));
        Assert.Equal(0, ((Apache.Arrow.Int64Array)state.Column("replay_end_offset")).GetValue(0));
    }
}
