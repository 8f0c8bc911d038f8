using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static TypedKafka.Hosting.Tests.HostHarness;

namespace TypedKafka.Hosting.Tests;

/// <summary>Bad settings stop the host at start, with errors that name the configuration key at fault. No brokers are needed.</summary>
public sealed class OptionsValidationTests
{
    private static async Task<string> StartFailure(params (string Key, string? Value)[] settings)
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

        using var host = Build(config, b => b.AddConsumer<Tick, TickHandler>("trades"), new Recorder());
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return error.Message;
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
    public void Two_consumers_with_one_name_are_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() => Build(
            [],
            b => b.AddConsumer<Tick, TickHandler>("trades").AddConsumer<RawHandler>("trades"),
            new Recorder()));

        Assert.Contains("'trades' is already registered", error.Message, StringComparison.Ordinal);
    }
}
