using Confluent.Kafka;
using TypedKafka.Kafka;

namespace TypedKafka.Tests.Kafka;

/// <summary>The settings of a consumer group member (<see cref="ConsumerOptions.ConsumerGroup"/>), checked before anything connects.</summary>
public sealed class GroupSettingsTests
{
    private static readonly Dictionary<string, string> Config = new() { ["bootstrap.servers"] = "localhost:9092" };

    private static ConsumerConfig Configure(Dictionary<string, string> config, string group)
    {
        var settings = ConsumerSettings.Build(config, 1, out _);
        GroupMembership.Configure(settings, config, group);
        return settings;
    }

    [Fact]
    public void A_revocation_callback_without_a_group_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerOptions { OnPartitionsRevoked = _ => { } }.Validate());

        Assert.Equal(nameof(ConsumerOptions.OnPartitionsRevoked), error.ParamName);
        Assert.Contains("ConsumerGroup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_uses_the_group_as_group_id_and_the_cooperative_sticky_assignor()
    {
        var settings = Configure(Config, "loaders");

        Assert.Equal("loaders", settings.GroupId);
        Assert.Equal("cooperative-sticky", settings.Get("partition.assignment.strategy"));
        Assert.False(settings.EnableAutoCommit);
    }

    [Fact]
    public void A_group_id_that_differs_from_the_consumer_group_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => Configure(new(Config) { ["group.id"] = "other" }, "loaders"));

        Assert.Contains("'group.id' = 'other' differs from ConsumerOptions.ConsumerGroup 'loaders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_group_id_is_accepted()
    {
        Assert.Equal("loaders", Configure(new(Config) { ["group.id"] = "loaders" }, "loaders").GroupId);
    }

    [Fact]
    public void An_eager_assignor_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => Configure(new(Config) { ["partition.assignment.strategy"] = "range" }, "loaders"));

        Assert.Contains("'partition.assignment.strategy' = 'range'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_consumer_group_is_refused_naming_the_property()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerOptions { ConsumerGroup = " " }.Validate());

        Assert.Equal(nameof(ConsumerOptions.ConsumerGroup), error.ParamName);
    }

    [Fact]
    public void Partition_discovery_is_refused_in_a_group_where_rebalances_bring_new_partitions()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerOptions { ConsumerGroup = "loaders", PartitionDiscoveryInterval = TimeSpan.FromMinutes(1) }.Validate());

        Assert.Equal(nameof(ConsumerOptions.PartitionDiscoveryInterval), error.ParamName);
        Assert.Contains("topic.metadata.refresh.interval.ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partition_discovery_interval_must_be_positive()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConsumerOptions { PartitionDiscoveryInterval = TimeSpan.Zero }.Validate());

        Assert.Equal(nameof(ConsumerOptions.PartitionDiscoveryInterval), error.ParamName);
    }
}
