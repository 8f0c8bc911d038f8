using Confluent.Kafka;
using TypedKafka.Kafka;

namespace TypedKafka.Tests.Kafka;

/// <summary>The user's settings are checked before any client is built, and every refusal names its key.</summary>
public sealed class ConsumerSettingsTests
{
    private static ConsumerConfig Build(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = "localhost:9092" };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return ConsumerSettings.Build(config, topicCount: 1, out _);
    }

    private static ArgumentException Refused(string key, string value) =>
        Assert.Throws<ArgumentException>(() => key == "bootstrap.servers"
            ? ConsumerSettings.Build(new Dictionary<string, string> { [key] = value }, 1, out _)
            : Build((key, value)));

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("t")]
    [InlineData("T")]
    [InlineData("1")]
    public void Every_spelling_librdkafka_reads_as_true_refuses_auto_commit(string value)
    {
        var error = Refused("enable.auto.commit", value);
        Assert.Contains($"'enable.auto.commit' = \"{value}\" would commit offsets of messages still held", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("F")]
    [InlineData("0")]
    public void Auto_commit_spelled_off_is_accepted(string value)
    {
        Assert.False(Build(("enable.auto.commit", value)).EnableAutoCommit);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    [InlineData(" true")]
    [InlineData("")]
    public void An_auto_commit_value_librdkafka_cannot_read_is_refused_naming_the_key(string value)
    {
        Assert.Contains($"'enable.auto.commit' = \"{value}\" is not a boolean", Refused("enable.auto.commit", value).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("earliest")]
    [InlineData("latest")]
    public void An_offset_reset_is_refused_naming_the_key_and_what_decides_instead(string value)
    {
        var error = Refused("auto.offset.reset", value);
        Assert.Contains($"'auto.offset.reset' = \"{value}\" is decided by TypedKafka", error.Message, StringComparison.Ordinal);
        Assert.Contains("FailOnDataLoss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_position_the_log_no_longer_holds_is_reported_by_the_client_not_jumped_over()
    {
        Assert.Equal(AutoOffsetReset.Error, Build().AutoOffsetReset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_group_id_is_refused_naming_the_key(string value)
    {
        Assert.Contains("'group.id' = ", Refused("group.id", value).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_group_id_the_consumer_gets_a_fresh_one()
    {
        Assert.StartsWith("typedkafka-", Build().GroupId, StringComparison.Ordinal);
        Assert.NotEqual(Build().GroupId, Build().GroupId);
    }

    [Theory]
    [InlineData("nonsense::::")]
    [InlineData(":9092")]
    [InlineData("localhost:")]
    [InlineData("localhost:99999")]
    [InlineData("local host:9092")]
    [InlineData("[::1:9092")]
    [InlineData(",")]
    public void A_bootstrap_setting_naming_no_broker_is_refused_at_once(string value)
    {
        var error = Refused("bootstrap.servers", value);
        Assert.Contains($"'bootstrap.servers' = \"{value}\" names no broker", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:9092")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:1")]
    [InlineData("[::1]:9092")]
    [InlineData("::1")]
    [InlineData("SASL_SSL://broker-1.example.com:9093")]
    [InlineData("b1:9092, b2:9092")]
    [InlineData("nonsense::::,localhost:9092")]
    public void Bootstrap_settings_librdkafka_can_connect_to_are_accepted(string value)
    {
        Assert.Equal(value, ConsumerSettings.Build(new Dictionary<string, string> { ["bootstrap.servers"] = value }, 1, out _).BootstrapServers);
    }

    [Fact]
    public void A_socket_timeout_that_is_not_a_number_is_refused_naming_the_key()
    {
        Assert.Contains("'socket.timeout.ms' = \"soon\"", Refused("socket.timeout.ms", "soon").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_socket_timeout_shortens_the_request_timeout()
    {
        ConsumerSettings.Build(new Dictionary<string, string> { ["bootstrap.servers"] = "b:1", ["socket.timeout.ms"] = "1500" }, 1, out var timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), timeout);
    }

    [Theory]
    [InlineData("sasl.password")]
    [InlineData("ssl.key.password")]
    [InlineData("sasl.oauthbearer.client.secret")]
    public void A_secret_value_is_never_quoted(string key)
    {
        Assert.Equal(SecretSettings.Mask, SecretSettings.Quote(key, "hunter2"));
        Assert.Equal("\"b:1\"", SecretSettings.Quote("bootstrap.servers", "b:1"));
    }

    [Fact]
    public void Replay_fetch_defaults_are_set_when_the_user_left_them_out()
    {
        var settings = Build();
        Assert.Equal(ConsumerSettings.DefaultFetchWaitMaxMs, settings.FetchWaitMaxMs);
        Assert.Equal(ConsumerSettings.DefaultFetchQueueBackoffMs.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.Get("fetch.queue.backoff.ms"));
        Assert.Equal(ConsumerSettings.MaxQueuedKilobytes, settings.QueuedMaxMessagesKbytes);
    }

    [Fact]
    public void Fetch_settings_the_user_set_win()
    {
        var settings = Build(("fetch.wait.max.ms", "500"), ("fetch.queue.backoff.ms", "1000"), ("queued.max.messages.kbytes", "1024"));
        Assert.Equal(500, settings.FetchWaitMaxMs);
        Assert.Equal("1000", settings.Get("fetch.queue.backoff.ms"));
        Assert.Equal(1024, settings.QueuedMaxMessagesKbytes);
    }

    [Theory]
    [InlineData(256L * 1024 * 1024, 64 * 1024)]
    [InlineData(64L * 1024 * 1024, 16 * 1024)]
    [InlineData(1L << 20, 256)]
    [InlineData(1L, 256)]
    [InlineData(long.MaxValue, 64 * 1024)]
    public void The_client_prefetch_queue_is_a_quarter_of_the_held_byte_bound_within_limits(long maxHeldBytes, int kilobytes)
    {
        var settings = ConsumerSettings.Build(new Dictionary<string, string> { ["bootstrap.servers"] = "b:1" }, 1, out _, maxHeldBytes: maxHeldBytes);
        Assert.Equal(kilobytes, settings.QueuedMaxMessagesKbytes);
    }
}
