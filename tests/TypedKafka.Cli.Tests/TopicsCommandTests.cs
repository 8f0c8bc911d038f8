using System.Text.Json;
using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary><c>typedkafka topics</c>, run in-process against an embedded cluster, with its output captured.</summary>
public sealed class TopicsCommandTests : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _orders = $"orders-{Guid.NewGuid():N}";
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public TopicsCommandTests()
    {
        // Partition 0: 5 messages, 1: none, 2: 3 messages; timestamps 10 ms apart in the order produced.
        _cluster.CreateTopic(_orders, 3);
        _cluster.Produce(_orders, [.. new[] { 0, 2, 0, 0, 2, 0, 2, 0 }.Select((partition, i) => LocalMessage.FromStrings(partition, Base + (i * 10), "k", $"v{i}"))]);
    }

    public void Dispose() => _cluster.Dispose();

    private Task<int> Run(params string[] args) => Run(_ => null, args);

    private Task<int> Run(Func<string, string?> environment, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, environment, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
    }

    private string[] Lines() => _stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Redirected_output_is_aligned_text_with_leader_watermarks_and_counts_per_partition()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, _orders);

        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(
            [
                "topic".PadRight(_orders.Length) + "  partition  leader  low  high  messages",
                $"{_orders}          0       1    0     5         5",
                $"{_orders}          1       1    0     0         0",
                $"{_orders}          2       1    0     3         3",
            ],
            Lines());
    }

    [Fact]
    public async Task Times_show_each_partitions_first_and_last_timestamps_and_empty_partitions_as_empty()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, _orders, "--times");

        Assert.True(exit == 0, _stderr.ToString());
        var rows = Lines().Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.070Z"], rows[0][^2..]);
        Assert.Equal(["empty", "empty"], rows[1][^2..]);
        Assert.Equal(["2026-01-01T00:00:00.010Z", "2026-01-01T00:00:00.060Z"], rows[2][^2..]);
    }

    [Fact]
    public async Task Json_is_one_document_with_counts_and_with_times_the_first_and_last_messages()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, _orders, "--times", "--json");

        Assert.True(exit == 0, _stderr.ToString());
        using var json = JsonDocument.Parse(_stdout.ToString());
        var topic = json.RootElement.GetProperty("topics").EnumerateArray().Single();
        Assert.Equal(_orders, topic.GetProperty("name").GetString());
        Assert.Equal(8, topic.GetProperty("messages").GetInt64());
        var partitions = topic.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.Equal([5L, 0L, 3L], partitions.Select(p => p.GetProperty("messages").GetInt64()));
        Assert.Equal([5L, 0L, 3L], partitions.Select(p => p.GetProperty("high").GetInt64() - p.GetProperty("low").GetInt64()));
        Assert.All(partitions, p => Assert.Equal(1, p.GetProperty("leader").GetInt32()));

        Assert.Equal(4, partitions[0].GetProperty("last").GetProperty("offset").GetInt64());
        Assert.Equal("2026-01-01T00:00:00.070Z", partitions[0].GetProperty("last").GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Null, partitions[1].GetProperty("first").ValueKind);
        Assert.Equal(JsonValueKind.Null, partitions[1].GetProperty("last").ValueKind);
        Assert.Equal("2026-01-01T00:00:00.010Z", partitions[2].GetProperty("first").GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Json_without_times_has_no_first_and_last()
    {
        Assert.Equal(0, await Run("topics", "-b", _cluster.BootstrapServers, _orders, "--json"));

        using var json = JsonDocument.Parse(_stdout.ToString());
        var partition = json.RootElement.GetProperty("topics")[0].GetProperty("partitions")[0];
        Assert.False(partition.TryGetProperty("first", out _));
        Assert.False(partition.TryGetProperty("last", out _));
    }

    [Fact]
    public async Task The_last_message_is_found_behind_a_transaction_marker()
    {
        var ledger = $"ledger-{Guid.NewGuid():N}";
        _cluster.CreateTopic(ledger, 1);
        _cluster.ProduceTransaction(ledger, [.. Enumerable.Range(0, 5).Select(i => LocalMessage.FromStrings(0, Base + i, null, $"entry-{i}"))]);

        var exit = await Run("topics", "-b", _cluster.BootstrapServers, ledger, "--times", "--json");

        Assert.True(exit == 0, _stderr.ToString());
        using var json = JsonDocument.Parse(_stdout.ToString());
        var partition = json.RootElement.GetProperty("topics")[0].GetProperty("partitions")[0];
        // Five messages and the commit marker at offset 5.
        Assert.Equal(6, partition.GetProperty("high").GetInt64());
        Assert.Equal(4, partition.GetProperty("last").GetProperty("offset").GetInt64());
        Assert.Equal("2026-01-01T00:00:00.004Z", partition.GetProperty("last").GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Without_topic_names_every_topic_is_listed()
    {
        var other = $"other-{Guid.NewGuid():N}";
        _cluster.CreateTopic(other, 2);

        Assert.Equal(0, await Run("topics", "-b", _cluster.BootstrapServers, "--json"));

        using var json = JsonDocument.Parse(_stdout.ToString());
        var names = json.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { _orders, other }.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task An_unknown_topic_fails_naming_it()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, _orders, "nowhere");

        Assert.Equal(1, exit);
        Assert.Contains("Topic 'nowhere' does not exist", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
    }

    [Fact]
    public async Task The_cluster_comes_from_TYPEDKAFKA_BOOTSTRAP_when_not_given()
    {
        var exit = await Run(name => name == "TYPEDKAFKA_BOOTSTRAP" ? _cluster.BootstrapServers : null, "topics", _orders);

        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(4, Lines().Length);
    }

    [Fact]
    public async Task Without_a_cluster_the_error_says_how_to_give_one()
    {
        var exit = await Run("topics", _orders);

        Assert.NotEqual(0, exit);
        Assert.Contains("--bootstrap-servers (-b) is required when TYPEDKAFKA_BOOTSTRAP is not set", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_is_named_and_a_secret_is_never_echoed()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, "--config", "sasl.password=hunter2", "--config", "fetch.max.bites=1");

        Assert.Equal(1, exit);
        Assert.Contains("fetch.max.bites", _stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_without_equals_is_named_by_position_without_echoing_it()
    {
        var exit = await Run("topics", "-b", _cluster.BootstrapServers, "--config", "client.id=cli", "--config", "sasl.password hunter2");

        Assert.Equal(1, exit);
        Assert.Contains("--config number 2 is not KEY=VALUE", _stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", _stderr.ToString(), StringComparison.Ordinal);
    }
}
