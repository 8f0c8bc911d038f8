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
    long? MaxHeldBytes = null)
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

public sealed record ScenarioPartition(string Topic, int Partition, long StartOffset, long EndOffset);

public sealed record ScenarioStep(
    IReadOnlyList<ScenarioMessage>? Deliver = null,
    IReadOnlyList<ScenarioEof>? Eof = null,
    IReadOnlyList<MessageRef>? ExpectReleased = null,
    IReadOnlyList<ExpectedState>? ExpectState = null,
    bool? ExpectIsLive = null,
    int? ExpectHeld = null,
    int? ExpectPaused = null,
    // A number, or null for "no watermark"; absent means not checked.
    JsonElement ExpectWatermark = default,
    string? Comment = null);

/// <summary>A delivered message. <c>valueSize</c> asks for a generated value of that many bytes.</summary>
public sealed record ScenarioMessage(string Topic, int Partition, long Offset, long TimestampMs, string? Key = null, string? Value = null, int? ValueSize = null);

/// <summary>End of partition at <c>offset</c> (the next offset to read); absent means at the replay end offset.</summary>
public sealed record ScenarioEof(string Topic, int Partition, long? Offset = null);

public sealed record MessageRef(string Topic, int Partition, long Offset);

public sealed record ExpectedState(
    string Topic,
    int Partition,
    long? ConsumedOffset = null,
    long? ReleasedOffset = null,
    bool? IsLive = null,
    bool? IsPaused = null,
    long? LastConsumedTimestampMs = null,
    int? HeldMessages = null);
