using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// Confluent's <c>Consume</c>, one message per call, keys and values copied by the staging
/// deserializer: the fallback when the batch intake cannot bind, and the path for an event-time
/// reader (<see cref="ConsumerOptions.Timestamp"/> takes Confluent's <see cref="Headers"/>).
/// </summary>
internal sealed class ConfluentIntake(IConsumer<StagedBytes, StagedBytes> consumer, StagingArea staging, bool includeHeaders) : IMessageIntake
{
    private byte[] _headerScratch = [];

    public string Name => "plain";

    public bool TryTake(int timeoutMs, out IntakeRecord record)
    {
        staging.Reset();
        var result = consumer.Consume(timeoutMs);
        if (result is null)
        {
            record = default;
            return false;
        }

        if (result.IsPartitionEOF)
        {
            record = new IntakeRecord { IsPartitionEof = true, Topic = result.Topic, Partition = result.Partition.Value, Offset = result.Offset.Value };
            return true;
        }

        var message = result.Message;
        record = new IntakeRecord
        {
            Topic = result.Topic,
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            TimestampType = message.Timestamp.Type,
            TimestampMs = message.Timestamp.UnixTimestampMs,
            Key = staging[message.Key],
            KeyIsNull = message.Key.IsNull,
            Value = staging[message.Value],
            ValueIsNull = message.Value.IsNull,
            HeaderBlock = includeHeaders ? HeaderBlock.Encode(message.Headers, ref _headerScratch) : default,
            Headers = message.Headers,
        };
        return true;
    }

    public void Pause(IEnumerable<TopicPartition> partitions) => consumer.Pause(partitions);

    public void Resume(IEnumerable<TopicPartition> partitions) => consumer.Resume(partitions);

    // The client drops what it fetched for a partition it no longer holds; nothing is taken ahead here.
    public void PartitionsChanged(Func<string?, int, bool> held)
    {
    }

    public void Dispose()
    {
    }
}
