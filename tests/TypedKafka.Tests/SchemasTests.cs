using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Tests;

public sealed class SchemasTests
{
    [Fact]
    public void The_message_schema_matches_the_seed_field_for_field()
    {
        Assert.Equal(
            ["key: binary?", "value: binary?", "topic: utf8", "partition: int32", "offset: int64", "timestamp: timestamp[ms, UTC]"],
            Describe(Schemas.Message));
    }

    [Fact]
    public void The_partition_state_schema_starts_with_the_seed_columns_in_order()
    {
        Assert.Equal(
            [
                "topic: utf8", "partition: int32", "replay_start_offset: int64", "replay_end_offset: int64",
                "consumed_offset: int64", "released_offset: int64", "last_consumed_timestamp: timestamp[ms, UTC]?",
                "cutoff: timestamp[ms, UTC]", "is_live: bool", "is_paused: bool",
                "held_messages: int32", "held_bytes: int64", "untimed_messages: int64",
                "end_bound: int64?", "is_complete: bool", "in_bound_after_end: int64", "out_of_order_releases: int64", "blocking: utf8?", "lost_messages: int64",
            ],
            Describe(Schemas.PartitionState));
    }

    private static string[] Describe(Schema schema) =>
        [.. schema.FieldsList.Select(f => $"{f.Name}: {Describe(f.DataType)}{(f.IsNullable ? "?" : string.Empty)}")];

    private static string Describe(IArrowType type) => type switch
    {
        TimestampType t => $"timestamp[{(t.Unit == TimeUnit.Millisecond ? "ms" : t.Unit.ToString())}, {t.Timezone}]",
        _ => type.Name,
    };
}
