using Confluent.Kafka;
using TypedKafka.Kafka;

namespace TypedKafka.Tests.Kafka;

/// <summary>Which client errors the consumer fails on, from what librdkafka's error callback reports.</summary>
public sealed class ClientErrorMonitorTests
{
    // As librdkafka reported it for a 1 MiB message with receive.message.max.bytes = 600000.
    private const string TooLarge =
        "127.0.0.1:43129/1: Receive failed: Invalid response size 1048724 (0..600000): increase receive.message.max.bytes (after 431ms in state UP)";

    [Fact]
    public void Errors_the_client_recovers_from_are_recorded_not_raised()
    {
        var monitor = new ClientErrorMonitor();

        Assert.Null(monitor.Observe(new Error(ErrorCode.Local_Transport, "127.0.0.1:1/1: Connect to ipv4#127.0.0.1:1 failed")));
        Assert.Null(monitor.Observe(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down")));
        Assert.Null(monitor.Observe(new Error(ErrorCode.Local_Transport, "127.0.0.1:1/1: Connection refused")));

        Assert.Equal((2, "127.0.0.1:1/1: Connection refused"), monitor.Recorded[ErrorCode.Local_Transport]);
        Assert.Equal(1, monitor.Recorded[ErrorCode.Local_AllBrokersDown].Count);
    }

    [Fact]
    public void A_fatal_error_is_raised_as_it_is()
    {
        var fatal = new Error(ErrorCode.Local_Fatal, "fenced", isFatal: true);

        Assert.Same(fatal, new ClientErrorMonitor().Observe(fatal));
    }

    [Fact]
    public void A_response_above_receive_message_max_bytes_is_raised_with_the_setting_and_the_sizes()
    {
        var error = new ClientErrorMonitor().Observe(new Error(ErrorCode.Local_Transport, TooLarge));

        Assert.NotNull(error);
        Assert.Contains("Raise receive.message.max.bytes", error.Reason, StringComparison.Ordinal);
        Assert.Contains("response of 1048724 bytes", error.Reason, StringComparison.Ordinal);
        Assert.Contains("(600000)", error.Reason, StringComparison.Ordinal);
    }
}
