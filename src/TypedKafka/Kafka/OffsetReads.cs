using System.Diagnostics;
using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// Runs one offset read for the resolver: retried with backoff while its error is one the cluster
/// recovers from, and, once an error has been seen, trusted only when a second read agrees with it.
/// Anything else fails construction with the source's error, which names the topic and partition.
/// </summary>
internal static class OffsetReads
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    /// <param name="what">What is read, for messages: "the watermarks of topic 'events'".</param>
    /// <param name="budget">How long to keep retrying: the source's request timeout.</param>
    /// <param name="read">The read; throws a <see cref="KafkaException"/> on an error.</param>
    /// <param name="agree">Whether a later answer is consistent with an earlier one.</param>
    /// <param name="invalid">Why an answer cannot be true (names the partition), or null when it can.</param>
    public static T Read<T>(string what, TimeSpan budget, Func<T> read, Func<T, T, bool> agree, Func<T, string?>? invalid = null)
    {
        var clock = Stopwatch.StartNew();
        var backoff = FirstBackoff;
        var attempts = 0;
        var errorSeen = false;
        var (previous, hasPrevious) = (default(T), false);
        while (true)
        {
            attempts++;
            KafkaException failure;
            try
            {
                var answer = read();
                if (invalid?.Invoke(answer) is not { } problem)
                {
                    // A client can answer without an error right after one and still be wrong (librdkafka's
                    // watermark query returned high..high after a failed ListOffsets), so after an error
                    // an answer counts only when the next read agrees with it.
                    if (!errorSeen || (hasPrevious && agree(previous!, answer)))
                    {
                        return answer;
                    }

                    if (clock.Elapsed >= budget)
                    {
                        throw new KafkaException(new Error(
                            ErrorCode.Local_Inconsistent,
                            $"Could not read {what}: after an error, {attempts} reads in {clock.ElapsedMilliseconds} ms gave no two consistent answers."));
                    }

                    (previous, hasPrevious) = (answer, true);
                    continue;
                }

                failure = new KafkaException(new Error(ErrorCode.Local_Inconsistent, problem));
            }
            catch (KafkaException e) when (IsPassing(e.Error.Code))
            {
                failure = e;
            }

            errorSeen = true;
            hasPrevious = false;
            if (clock.Elapsed + backoff > budget)
            {
                throw new KafkaException(
                    new Error(failure.Error.Code, $"{failure.Error.Reason} (still failing after {attempts} attempt(s) in {clock.ElapsedMilliseconds} ms)"),
                    failure);
            }

            Thread.Sleep(backoff);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>
    /// The client's transient errors, and an unknown partition: the resolver asks only for partitions
    /// the topic's metadata has just listed, so a broker answering this has not caught up yet (Kafka's
    /// own clients retry it too).
    /// </summary>
    public static bool IsPassing(ErrorCode code) => ConsumerErrors.IsTransient(code) || code == ErrorCode.UnknownTopicOrPart;
}
