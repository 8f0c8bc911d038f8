using Confluent.Kafka;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>Bad input fails at construction, with an exception that names the culprit.</summary>
public sealed class ConstructionErrorTests : IDisposable
{
    private readonly LocalKafkaCluster _cluster = new();

    public ConstructionErrorTests()
    {
        _cluster.CreateTopic("present", 1);
    }

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string> Config(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = _cluster.BootstrapServers };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    [Fact]
    public void An_unknown_topic_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(), [SourceTopic.FromEarliest("present"), SourceTopic.FromEarliest("absent")]));
        Assert.Contains("'absent'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_listed_twice_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(), [SourceTopic.FromEarliest("present"), SourceTopic.FromLatest("present")]));
        Assert.Contains("'present' is listed twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_topics_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(), []));
    }

    [Theory]
    [InlineData(0, 1, 1, "BatchSize")]
    [InlineData(-1, 1, 1, "BatchSize")]
    [InlineData(10, 0, 1, "MaxHeldMessages")]
    [InlineData(10, 1, 0, "MaxHeldBytes")]
    public void Non_positive_limits_name_their_option(int batchSize, int maxHeldMessages, long maxHeldBytes, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ConsumerManager(Config(), [SourceTopic.FromEarliest("present")], batchSize: batchSize, maxHeldMessages: maxHeldMessages, maxHeldBytes: maxHeldBytes));
        Assert.Equal(parameter, error.ParamName);
    }

    public static TheoryData<ConsumerOptions, string> InvalidOptions() => new()
    {
        { new ConsumerOptions { CutoffMs = -5 }, "CutoffMs" },
        { new ConsumerOptions { IdleTimeout = TimeSpan.Zero }, "IdleTimeout" },
        { new ConsumerOptions { IdleTimeout = TimeSpan.FromTicks(15_000) }, "IdleTimeout" },
        { new ConsumerOptions { LiveOrdering = null! }, "LiveOrdering" },
        { new ConsumerOptions { TimeProvider = null! }, "TimeProvider" },
        { new ConsumerOptions { BadPayloadPolicy = (BadPayloadPolicy)7 }, "BadPayloadPolicy" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_name_their_property_before_connecting(ConsumerOptions options, string property)
    {
        // No broker at this address: the options are refused before any connection is tried.
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = "127.0.0.1:1" };
        var error = Assert.ThrowsAny<ArgumentException>(() => new ConsumerManager(config, [SourceTopic.FromEarliest("present")], options));
        Assert.Equal(property, error.ParamName);
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_config_key_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(("fetch.max.bites", "1000")), [SourceTopic.FromEarliest("present")]));
        Assert.Contains("fetch.max.bites", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bootstrap_setting_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(new Dictionary<string, string>(), [SourceTopic.FromEarliest("present")]));
        Assert.Contains("bootstrap.servers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_commit_is_refused_because_it_would_commit_held_messages()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(("enable.auto.commit", "true")), [SourceTopic.FromEarliest("present")]));
        Assert.Contains("enable.auto.commit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto.offset.reset", "sideways")]
    [InlineData("group.id", "")]
    [InlineData("enable.auto.commit", "1")]
    [InlineData("enable.auto.commit", "T")]
    [InlineData("enable.auto.commit", "maybe")]
    [InlineData("socket.timeout.ms", "soon")]
    public void A_bad_setting_fails_construction_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config((key, value)), [SourceTopic.FromEarliest("present")]));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bootstrap_setting_with_no_host_and_port_fails_at_once_naming_it()
    {
        // An ArgumentException, not the client's transport error after its timeout.
        var error = Assert.Throws<ArgumentException>(() =>
            new ConsumerManager(new Dictionary<string, string> { ["bootstrap.servers"] = "nonsense::::" }, [SourceTopic.FromEarliest("present")]));
        Assert.Contains("'bootstrap.servers'", error.Message, StringComparison.Ordinal);
        Assert.Contains("nonsense::::", error.Message, StringComparison.Ordinal);
    }

    // librdkafka's own refusals are passed on; none may quote a secret.
    [Theory]
    [InlineData("sasl.passwrod", "hunter2-secret")]
    [InlineData("security.protocol", "sasl_nonsense")]
    [InlineData("enable.auto.commit", "yes")]
    [InlineData("group.id", "")]
    public void Config_errors_never_quote_a_secret(string key, string value)
    {
        var config = Config(("security.protocol", "sasl_plaintext"), ("sasl.mechanism", "PLAIN"), ("sasl.username", "alice"), ("sasl.password", "hunter2-secret"), ("ssl.key.password", "hunter2-secret"));
        config[key] = value;
        var error = Assert.ThrowsAny<Exception>(() => new ConsumerManager(config, [SourceTopic.FromEarliest("present")]));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_brokers_are_named()
    {
        // Port 1 on loopback: nothing listens, connections are refused at once.
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = "127.0.0.1:1", ["socket.timeout.ms"] = "1500" };
        var error = Assert.Throws<KafkaException>(() => new ConsumerManager(config, [SourceTopic.FromEarliest("present")]));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
