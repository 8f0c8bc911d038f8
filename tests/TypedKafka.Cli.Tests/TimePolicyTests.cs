using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary>
/// Time-based start policies against the embedded cluster, whose brokers cannot look offsets up by
/// time: an error that says so where history would be skipped, a warning where the topic is empty.
/// </summary>
public sealed class TimePolicyTests : IDisposable
{
    private readonly LocalKafkaCluster _cluster = new();
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public TimePolicyTests()
    {
        _cluster.CreateTopic("history", 2);
        _cluster.CreateTopic("nothing", 2);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _cluster.Produce("history", Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(i % 2, now - 60_000 + i, null, $"m{i}")));
    }

    public void Dispose() => _cluster.Dispose();

    private Task<int> Run(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, _ => null, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
    }

    [Theory]
    [InlineData("replay", "history:relative_time:1h")]
    [InlineData("tail", "history:absolute_time:2026-01-01T00:00:00Z")]
    [InlineData("replay", "history:start_of_day:00:00:UTC")]
    public async Task A_time_policy_on_a_topic_with_messages_fails_saying_the_cluster_cannot_look_up_offsets_by_time(string command, string topic)
    {
        var exit = await Run(command, "-b", _cluster.BootstrapServers, "--topic", topic, "--until", "end");

        Assert.Equal(1, exit);
        Assert.Contains("Topic 'history' partition 0: the cluster cannot look up offsets by time", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_time_policy_on_an_empty_topic_warns_on_standard_error_and_reads_on()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", "nothing:relative_time:1h", "--until", "end");

        Assert.True(exit == 0, _stderr.ToString());
        Assert.Contains("typedkafka tail: warning: topic 'nothing' has nothing to replay from its start time", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public async Task An_unknown_time_zone_suggests_the_nearest_id()
    {
        var exit = await Run("replay", "-b", _cluster.BootstrapServers, "--topic", "history:start_of_day:08:00:Europe/Londn");

        Assert.NotEqual(0, exit);
        Assert.Contains("did you mean 'Europe/London'?", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }
}
