using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// Watches the client's error callback. librdkafka reports most errors there and retries them by
/// itself, so they are recorded, not raised; but some recur forever without progress, and Poll
/// must fail on those (with the setting to change) instead of returning empty batches.
/// </summary>
/// <remarks>The callback runs on the thread that polls the client; the lock covers readers on other threads.</remarks>
internal sealed partial class ClientErrorMonitor
{
    // librdkafka drops the connection and reconnects when a response is larger than
    // receive.message.max.bytes (a message or record batch above it); the next fetch asks for the
    // same offset and gets the same response, so one occurrence is enough to know it never ends.
    private const string ResponseTooLarge = "increase receive.message.max.bytes";

    private readonly Dictionary<ErrorCode, (int Count, string LastReason)> _seen = [];
    private readonly Lock _lock = new();

    /// <summary>Non-fatal errors seen so far: how often, and the last reason given, per code.</summary>
    public IReadOnlyDictionary<ErrorCode, (int Count, string LastReason)> Recorded
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<ErrorCode, (int, string)>(_seen);
            }
        }
    }

    /// <summary>Records <paramref name="error"/>; returns the error the consumer must fail with, or null if the client recovers by itself.</summary>
    public Error? Observe(Error error)
    {
        if (error.IsFatal)
        {
            return error;
        }

        int count;
        lock (_lock)
        {
            count = _seen.GetValueOrDefault(error.Code).Count + 1;
            _seen[error.Code] = (count, error.Reason);
        }

        if (error.Reason.Contains(ResponseTooLarge, StringComparison.Ordinal))
        {
            var sizes = ResponseSize().Match(error.Reason);
            var (size, limit) = sizes.Success ? (sizes.Groups[1].Value, sizes.Groups[2].Value) : ("?", "?");
            return new Error(
                error.Code,
                $"No fetch can complete: a broker's response of {size} bytes is larger than receive.message.max.bytes ({limit}), " +
                $"so a message or record batch is larger than this consumer accepts. Raise receive.message.max.bytes in the consumer " +
                $"config above {size} (fetch.max.bytes must stay at least 512 below it). Client error, seen {count}x: {error.Reason}");
        }

        return null;
    }

    [GeneratedRegex(@"Invalid response size (-?\d+) \(0\.\.(\d+)\)")]
    private static partial Regex ResponseSize();
}
