using Apache.Arrow;
using Apache.Arrow.Ipc;
using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary><c>typedkafka replay --group</c> and <c>typedkafka groups</c>, in-process against an embedded cluster.</summary>
public sealed class GroupsCommandTests : IDisposable
{
    private const long Base = 1_767_225_600_000;

    // The embedded brokers wait session.timeout.ms - 1 s after a member leaves before a new one is given partitions.
    private const string ShortSession = "session.timeout.ms=3000";
    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("typedkafka-cli-").FullName;
    private readonly string _group = $"cli-{Guid.NewGuid():N}";
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public GroupsCommandTests()
    {
        _cluster.CreateTopic("clicks", 3);
        Produce(0, 300);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void Produce(int first, int count) =>
        _cluster.Produce("clicks", Enumerable.Range(first, count).Select(i => LocalMessage.FromStrings(i % 3, Base + (i * 7), null, $"click-{i}")));

    private Task<int> Run(params string[] args)
    {
        _stdout.GetStringBuilder().Clear();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
    }

    private static long RowsIn(string path)
    {
        using var reader = new ArrowFileReader(File.OpenRead(path));
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                rows += batch.Length;
            }
        }

        return rows;
    }

    private string[] GroupRows() => [.. _stdout.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Skip(1)
        .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)))];

    // The embedded brokers answer a group's committed offsets only for partitions named (OffsetFetch without topics returns none), so --topic is given.
    [Fact]
    public async Task Replay_in_a_group_commits_what_it_wrote_groups_shows_the_lag_and_a_second_replay_goes_on_after_it()
    {
        var first = Path.Combine(_folder, "first.arrow");
        var exit = await Run("replay", "-b", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--group", _group, "--out", first, "--config", ShortSession);
        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(300, RowsIn(first));

        Produce(300, 30);
        exit = await Run("groups", "-b", _cluster.BootstrapServers, _group, "--topic", "clicks");
        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(["clicks 0 100 110 10", "clicks 1 100 110 10", "clicks 2 100 110 10"], GroupRows());

        var second = Path.Combine(_folder, "second.arrow");
        exit = await Run("replay", "-b", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--group", _group, "--out", second, "--config", ShortSession);
        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(30, RowsIn(second));

        exit = await Run("groups", "-b", _cluster.BootstrapServers, _group, "--topic", "clicks");
        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(["clicks 0 110 110 0", "clicks 1 110 110 0", "clicks 2 110 110 0"], GroupRows());
    }

    [Fact]
    public async Task Replay_in_a_group_refuses_windows_which_could_be_committed_half_done()
    {
        var exit = await Run("replay", "-b", _cluster.BootstrapServers, "--topic", "clicks:earliest", "--group", _group, "--window", "1m", "--out-dir", _folder);

        Assert.NotEqual(0, exit);
        Assert.Contains("--group and --window do not go together", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_that_never_committed_shows_none_for_the_topics_asked()
    {
        var exit = await Run("groups", "-b", _cluster.BootstrapServers, _group, "--topic", "clicks");

        Assert.True(exit == 0, _stderr.ToString());
        Assert.Equal(["clicks 0 none 100 -", "clicks 1 none 100 -", "clicks 2 none 100 -"], GroupRows());
    }
}
