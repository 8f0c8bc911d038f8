namespace TypedKafka.Testing;

/// <summary>
/// Kafka protocol request types (API keys) that <see cref="LocalKafkaCluster.PushRequestErrors"/> can fail.
/// Any other key can be given by casting its number.
/// </summary>
public enum KafkaApiKey
{
    /// <summary>Produce (0).</summary>
    Produce = 0,

    /// <summary>Fetch (1).</summary>
    Fetch = 1,

    /// <summary>ListOffsets (2): watermark and offset-for-time queries.</summary>
    ListOffsets = 2,

    /// <summary>Metadata (3).</summary>
    Metadata = 3,

    /// <summary>OffsetCommit (8).</summary>
    OffsetCommit = 8,

    /// <summary>OffsetFetch (9).</summary>
    OffsetFetch = 9,

    /// <summary>FindCoordinator (10).</summary>
    FindCoordinator = 10,

    /// <summary>JoinGroup (11).</summary>
    JoinGroup = 11,

    /// <summary>Heartbeat (12).</summary>
    Heartbeat = 12,

    /// <summary>SyncGroup (14).</summary>
    SyncGroup = 14,

    /// <summary>InitProducerId (22).</summary>
    InitProducerId = 22,

    /// <summary>AddPartitionsToTxn (24).</summary>
    AddPartitionsToTxn = 24,

    /// <summary>EndTxn (26): transaction commit or abort.</summary>
    EndTxn = 26,
}
