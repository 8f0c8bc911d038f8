using System.Diagnostics;
using Xunit.Abstractions;

namespace TypedKafka.Hosting.Tests;

/// <summary>
/// The process exit code of a host whose consumer fails or completes, read from a child process
/// (TypedKafka.Hosting.ExitCodeHost) so that this process's own Environment.ExitCode is left alone.
/// </summary>
public sealed class ExitCodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_consumer_that_stops_the_host_on_a_fatal_error_makes_the_process_exit_non_zero()
    {
        var (exitCode, stdout) = await RunHost("fail");

        Assert.Equal(1, exitCode);
        Assert.Contains("handler failed for batch", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bounded_job_that_completes_exits_zero()
    {
        var (exitCode, stdout) = await RunHost("complete");

        Assert.Equal(0, exitCode);
        Assert.Contains("Every TypedKafka consumer is complete", stdout, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Stdout)> RunHost(string mode)
    {
        var child = Path.Combine(AppContext.BaseDirectory, "TypedKafka.Hosting.ExitCodeHost.dll");
        var start = new ProcessStartInfo("dotnet", [child, mode]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(patience.Token);

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        return (process.ExitCode, await stdout);
    }
}
