using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Bad settings stop the host at start, with errors that name the configuration key at fault. No brokers are needed.</summary>
public sealed class OptionsValidationTests
{
    private static Task<string> StartFailure(params (string Key, string? Value)[] settings) =>
        StartFailure(b => b.AddConsumer<Tick, TickHandler>("trades"), settings);

    private static Task<string> WindowedStartFailure(params (string Key, string? Value)[] settings) =>
        StartFailure(b => b.AddWindowedConsumer<Tick, TickWindowHandler>("trades"), [("TypedKafka:Consumers:trades:Window:Length", "00:01:00"), .. settings]);

    private static async Task<string> StartFailure(Action<TypedKafkaBuilder> addConsumer, params (string Key, string? Value)[] settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["TypedKafka:BootstrapServers"] = "127.0.0.1:1",
            ["TypedKafka:Consumers:trades:Topics:0"] = "trades:earliest",
        };
        foreach (var (key, value) in settings)
        {
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }

        using var host = Build(config, addConsumer, new Recorder());
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return error.Message;
    }

    [Theory]
    [InlineData("LiveHold", "-00:00:01", "must be zero or more whole milliseconds")]
    [InlineData("IdleTimeout", "00:00:00", "must be positive whole milliseconds")]
    [InlineData("IdleTimeout", "00:00:00.0001", "must be positive whole milliseconds")]
    [InlineData("Speed", "0", "must be positive and finite")]
    [InlineData("Speed", "-2", "must be positive and finite")]
    [InlineData("MaxOutOfOrderness", "-00:00:01", "must be zero or more whole milliseconds")]
    [InlineData("MaxOutOfOrderness", "00:00:00.0001", "must be zero or more whole milliseconds")]
    public async Task Ordering_settings_out_of_range_name_their_key(string key, string value, string reason)
    {
        var message = await StartFailure(($"TypedKafka:Consumers:trades:{key}", value));

        Assert.Contains($"TypedKafka:Consumers:trades:{key}: {reason}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_instances_without_a_consumer_group_name_the_Instances_key()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Instances", "3"));

        Assert.Contains("TypedKafka:Consumers:trades:Instances: 3 instances without TypedKafka:Consumers:trades:ConsumerGroup would each read every partition", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_id_that_differs_from_the_consumer_group_names_both_keys()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:ConsumerGroup", "loaders"), ("TypedKafka:Consumers:trades:Kafka:group.id", "other"));

        Assert.Contains("TypedKafka:Consumers:trades:Kafka:group.id: 'other' differs from TypedKafka:Consumers:trades:ConsumerGroup 'loaders'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_topic_spec_names_its_index()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Topics:1", "quotes:sometimes"));

        Assert.Contains("TypedKafka:Consumers:trades:Topics:1: Topic spec 'quotes:sometimes': unknown policy 'sometimes'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_topic_name_names_its_index()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Topics:0", "bad name!:earliest"));

        Assert.Contains("TypedKafka:Consumers:trades:Topics:0:", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topic_listed_twice_names_the_second()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Topics:1", "trades:latest"));

        Assert.Contains("TypedKafka:Consumers:trades:Topics:1: topic 'trades' is listed twice", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_topics_names_the_Topics_key()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Topics:0", null), ("TypedKafka:Consumers:trades:BatchSize", "5"));

        Assert.Contains("TypedKafka:Consumers:trades:Topics: at least one topic is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_bootstrap_servers_name_the_key()
    {
        var message = await StartFailure(("TypedKafka:BootstrapServers", null));

        Assert.Contains("TypedKafka:Consumers:trades:BootstrapServers: required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchSize", "0")]
    [InlineData("MaxHeldMessages", "-1")]
    [InlineData("MaxHeldBytes", "0")]
    [InlineData("OnHandlerError:MaxAttempts", "0")]
    public async Task A_bound_that_is_not_positive_names_its_key(string key, string value)
    {
        var message = await StartFailure(($"TypedKafka:Consumers:trades:{key}", value));

        Assert.Contains($"TypedKafka:Consumers:trades:{key}: must be positive, was {value}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Committing_without_a_group_names_the_group_id_key()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:CommitHandled", "true"));

        Assert.Contains("TypedKafka:Consumers:trades:Kafka:group.id: a fixed consumer group is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_error_is_reported_at_once()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:BatchSize", "0"), ("TypedKafka:Consumers:trades:Topics:0", "trades"));

        Assert.Contains("TypedKafka:Consumers:trades:BatchSize:", message, StringComparison.Ordinal);
        Assert.Contains("TypedKafka:Consumers:trades:Topics:0:", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_windowed_consumer_without_a_window_length_names_the_Length_key()
    {
        var message = await WindowedStartFailure(("TypedKafka:Consumers:trades:Window:Length", null));

        Assert.Contains("TypedKafka:Consumers:trades:Window:Length: required for a windowed consumer", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("00:00:00.0005")]
    [InlineData("00:00:01.0000001")]
    public async Task A_window_length_that_is_not_whole_positive_milliseconds_names_the_Length_key(string length)
    {
        var message = await WindowedStartFailure(("TypedKafka:Consumers:trades:Window:Length", length), ("TypedKafka:Consumers:trades:Window:Grace", "00:00:10"));

        Assert.Contains("TypedKafka:Consumers:trades:Window:Length: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_grace_names_the_Grace_key()
    {
        var message = await WindowedStartFailure(("TypedKafka:Consumers:trades:Window:Grace", "-00:00:01"));

        Assert.Contains("TypedKafka:Consumers:trades:Window:Grace: must not be negative, was -00:00:01", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_late_policy_names_the_LatePolicy_key()
    {
        var message = await WindowedStartFailure(("TypedKafka:Consumers:trades:Window:LatePolicy", "7"));

        Assert.Contains("TypedKafka:Consumers:trades:Window:LatePolicy: expected NextOpenWindow or Throw", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_window_on_a_consumer_added_without_windows_names_the_Window_key()
    {
        var message = await StartFailure(("TypedKafka:Consumers:trades:Window:Length", "00:01:00"));

        Assert.Contains("TypedKafka:Consumers:trades:Window: only consumers added with AddWindowedConsumer cut windows", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_windowed_consumer_checks_the_other_settings_too()
    {
        var message = await WindowedStartFailure(("TypedKafka:Consumers:trades:CommitHandled", "true"), ("TypedKafka:Consumers:trades:Window:Grace", "-00:00:01"));

        Assert.Contains("TypedKafka:Consumers:trades:Kafka:group.id: a fixed consumer group is required", message, StringComparison.Ordinal);
        Assert.Contains("TypedKafka:Consumers:trades:Window:Grace:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_consumers_with_one_name_are_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() => Build(
            [],
            b => b.AddConsumer<Tick, TickHandler>("trades").AddConsumer<RawHandler>("trades"),
            new Recorder()));

        Assert.Contains("'trades' is already registered", error.Message, StringComparison.Ordinal);
    }
}
