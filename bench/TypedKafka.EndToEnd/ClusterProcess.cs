using System.Diagnostics;

namespace TypedKafka.EndToEnd;

/// <summary><c>typedkafka local</c> in a child process, so the brokers' CPU is not counted as the consumer's.</summary>
internal sealed class ClusterProcess : IDisposable
{
    private readonly Process _process;

    private ClusterProcess(Process process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public int ProcessId => _process.Id;

    public static ClusterProcess Start(int brokers, IEnumerable<string> topics, int partitions)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TypedKafka.Cli.dll");
        string[] arguments = [cli, "local", "--brokers", $"{brokers}", .. topics.SelectMany(t => new[] { "--topic", $"{t}:{partitions}" })];
        var process = Process.Start(new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not start {cli}.");
        var bootstrap = process.StandardOutput.ReadLine();
        if (string.IsNullOrEmpty(bootstrap))
        {
            process.Kill();
            throw new InvalidOperationException($"typedkafka local printed no bootstrap servers: {process.StandardError.ReadToEnd()}");
        }

        return new ClusterProcess(process, bootstrap);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
