using System.Collections.Frozen;
using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>Which errors the client reports to the application but recovers from by itself.</summary>
internal static class ConsumerErrors
{
    // Everything else (unknown topic, authorization, offset out of range with no reset, ...) is
    // surfaced: an error we do not know to be passing is never swallowed.
    private static readonly FrozenSet<ErrorCode> Transient = new[]
    {
        ErrorCode.Local_Transport,
        ErrorCode.Local_AllBrokersDown,
        ErrorCode.Local_TimedOut,
        ErrorCode.Local_TimedOutQueue,
        ErrorCode.RequestTimedOut,
        ErrorCode.NetworkException,
        ErrorCode.BrokerNotAvailable,
        ErrorCode.LeaderNotAvailable,
        ErrorCode.NotLeaderForPartition,
        ErrorCode.ReplicaNotAvailable,
        ErrorCode.NotCoordinatorForGroup,
        ErrorCode.GroupLoadInProgress,
        ErrorCode.KafkaStorageError,
        ErrorCode.FencedLeaderEpoch,
        ErrorCode.UnknownLeaderEpoch,
        ErrorCode.OffsetNotAvailable,
        ErrorCode.NotEnoughReplicas,
        ErrorCode.NotEnoughReplicasAfterAppend,
    }.ToFrozenSet();

    public static bool IsTransient(ErrorCode code) => Transient.Contains(code);
}
