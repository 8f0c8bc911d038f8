using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class RequestErrorTests
{
    [Fact]
    public void A_pushed_permanent_produce_error_fails_delivery_naming_topic_and_partition()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        var error = Assert.Throws<KafkaException>(() => cluster.Produce("events", [LocalMessage.FromStrings(1, 1_000, "k", "v")]));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        Assert.Contains("events [1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_pushed_error_fails_one_request_and_later_requests_succeed()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        Assert.Throws<KafkaException>(() => cluster.Produce("events", [LocalMessage.FromStrings(0, 1, "k", "lost")]));
        IReadOnlyList<long> offsets = cluster.Produce("events", [LocalMessage.FromStrings(0, 2, "k", "kept")]);

        Assert.Equal([0], offsets);
        Assert.Equal(1, KafkaClients.Watermarks(cluster, "events", 0).High.Value);
    }

    [Fact]
    public void Retriable_produce_errors_are_retried_and_the_message_is_written_once()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut);
        IReadOnlyList<long> offsets = cluster.Produce("events", [LocalMessage.FromStrings(0, 1, "k", "v")]);

        Assert.Equal([0], offsets);
        Assert.Equal(1, KafkaClients.Watermarks(cluster, "events", 0).High.Value);
    }

    [Fact]
    public void A_pushed_list_offsets_error_fails_a_watermark_query()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);

        // A watermark query sends two ListOffsets requests (low and high) whose responses race; when only one
        // fails, librdkafka may still report success, so both are failed here.
        cluster.PushRequestErrors(KafkaApiKey.ListOffsets, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicAuthorizationFailed);
        var error = Assert.Throws<KafkaException>(
            () => consumer.QueryWatermarkOffsets(new TopicPartition("events", 0), KafkaClients.Timeout));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
    }

    [Fact]
    public void Pushing_no_errors_is_rejected()
    {
        using var cluster = new LocalKafkaCluster();

        Assert.Throws<ArgumentException>(() => cluster.PushRequestErrors(KafkaApiKey.Fetch));
    }
}
