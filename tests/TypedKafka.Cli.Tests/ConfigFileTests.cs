using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary><c>--config-file</c>: a librdkafka properties file, read by every command that connects, before -b and --config.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("typedkafka-config-").FullName;
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public ConfigFileTests()
    {
        _cluster.CreateTopic("settings", 2);
        _cluster.Produce("settings", Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(i % 2, Base + i, null, $"m{i}")));
    }

    public void Dispose()
    {
        _cluster.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string File(params string[] lines)
    {
        var path = Path.Combine(_folder, $"client-{Guid.NewGuid():N}.properties");
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    // No TYPEDKAFKA_BOOTSTRAP: the cluster comes from the arguments or the file only.
    private Task<int> Run(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, _ => null, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
    }

    [Theory]
    [InlineData("topics", "settings")]
    [InlineData("tail", "--topic", "settings:earliest", "--until", "end")]
    [InlineData("replay", "--topic", "settings:earliest", "--until", "end")]
    public async Task Every_command_that_connects_reads_the_cluster_and_settings_from_the_file(params string[] args)
    {
        var file = File(
            "# written by hand",
            "",
            $"  bootstrap.servers = {_cluster.BootstrapServers}  ",
            "fetch.wait.max.ms=10",
            "   # an indented comment",
            "client.id=typedkafka-config-test");

        var exit = await Run([.. args, "--config-file", file]);

        Assert.True(exit == 0, _stderr.ToString());
    }

    [Fact]
    public async Task Config_overrides_the_file()
    {
        // Port 1: nothing listens there; the later --config names the real cluster and wins.
        var file = File("bootstrap.servers=127.0.0.1:1");
        var exit = await Run("topics", "settings", "--config-file", file, "--config", $"bootstrap.servers={_cluster.BootstrapServers}");
        Assert.True(exit == 0, _stderr.ToString());
        Assert.Contains("settings", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_servers_overrides_the_file()
    {
        var file = File("bootstrap.servers=127.0.0.1:1");
        var exit = await Run("topics", "settings", "--config-file", file, "-b", _cluster.BootstrapServers);
        Assert.True(exit == 0, _stderr.ToString());
    }

    [Fact]
    public async Task A_line_that_is_not_key_equals_value_is_named_by_file_and_line_and_its_secret_is_not_echoed()
    {
        var file = File("# credentials", $"bootstrap.servers={_cluster.BootstrapServers}", "sasl.username=reader", "sasl.password hunter2");

        var exit = await Run("tail", "--topic", "settings:earliest", "--until", "end", "--config-file", file);

        Assert.Equal(1, exit);
        Assert.Contains($"--config-file '{file}', line 4: not KEY=VALUE", _stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_setting_in_the_file_is_named()
    {
        var file = File($"bootstrap.servers={_cluster.BootstrapServers}", "fetch.max.bites=1");
        var exit = await Run("replay", "--topic", "settings:earliest", "--until", "end", "--config-file", file);
        Assert.Equal(1, exit);
        Assert.Contains("fetch.max.bites", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_the_cluster_and_no_bootstrap_servers_is_an_error_that_says_where_to_name_it()
    {
        var file = File("client.id=x");
        var exit = await Run("topics", "--config-file", file);
        Assert.Equal(1, exit);
        Assert.Contains($"--config-file '{file}' sets no bootstrap.servers, and neither -b nor TYPEDKAFKA_BOOTSTRAP is given", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var missing = Path.Combine(_folder, "missing.properties");
        var exit = await Run("topics", "--config-file", missing);
        Assert.Equal(1, exit);
        Assert.Contains($"--config-file '{missing}' cannot be read", _stderr.ToString(), StringComparison.Ordinal);
    }
}
