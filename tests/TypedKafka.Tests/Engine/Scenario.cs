using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedKafka.Tests.Engine;

/// <summary>A scenario file: partitions with replay ranges, then steps of input and expected output. See DESIGN.md.</summary>
public sealed record Scenario(
    string Name,
    int BatchSize,
    long CutoffMs,
    IReadOnlyList<ScenarioPartition> Partitions,
    IReadOnlyList<ScenarioStep> Steps,
    int? MaxHeldMessages = null,
    long? MaxHeldBytes = null,
    long? LiveHoldMs = null,
    long? IdleTimeoutMs = null,
    double? PaceSpeed = null,
    long? MaxOutOfOrdernessMs = null,
    // The consumer's topics in tie-breaking order, for an engine whose partitions come and go (it may then start with none).
    IReadOnlyList<string>? Topics = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // A misspelt expectation must fail loudly rather than check nothing.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static Scenario Load(string path) =>
        JsonSerializer.Deserialize<Scenario>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} holds no scenario.");
}

/// <summary>A partition and its replay range; <c>boundOffset</c> (exclusive) and <c>boundMs</c> end a bounded read.</summary>
public sealed record ScenarioPartition(string Topic, int Partition, long StartOffset, long EndOffset, long? BoundOffset = null, long? BoundMs = null);

/// <summary>
/// One step: the clock is set to <c>clockMs</c> (when given), then <c>removePartition</c> and
/// <c>addPartition</c> change the partitions read (a rebalance), then messages are delivered, then one release.
/// </summary>
public sealed record ScenarioStep(
    long? ClockMs = null,
    ScenarioPartition? AddPartition = null,
    PartitionRef? RemovePartition = null,
    // Held rows the removal dropped.
    int? ExpectDropped = null,
    IReadOnlyList<ScenarioMessage>? Deliver = null,
    IReadOnlyList<ScenarioEof>? Eof = null,
    IReadOnlyList<MessageRef>? ExpectReleased = null,
    IReadOnlyList<ExpectedState>? ExpectState = null,
    bool? ExpectIsLive = null,
    int? ExpectHeld = null,
    int? ExpectPaused = null,
    bool? ExpectIsComplete = null,
    // A number, or null for "no watermark"; absent means not checked.
    JsonElement ExpectWatermark = default,
    string? Comment = null);

/// <summary>A delivered message. <c>valueSize</c> asks for a generated value of that many bytes.</summary>
public sealed record ScenarioMessage(string Topic, int Partition, long Offset, long TimestampMs, string? Key = null, string? Value = null, int? ValueSize = null);

/// <summary>End of partition at <c>offset</c> (the next offset to read); absent means at the replay end offset.</summary>
public sealed record ScenarioEof(string Topic, int Partition, long? Offset = null);

public sealed record PartitionRef(string Topic, int Partition);

public sealed record MessageRef(string Topic, int Partition, long Offset);

public sealed record ExpectedState(
    string Topic,
    int Partition,
    long? ConsumedOffset = null,
    long? ReleasedOffset = null,
    bool? IsLive = null,
    bool? IsPaused = null,
    long? LastConsumedTimestampMs = null,
    int? HeldMessages = null,
    bool? IsComplete = null,
    long? EndBound = null,
    long? InBoundAfterEnd = null,
    long? OutOfOrderReleases = null,
    string? Blocking = null);
