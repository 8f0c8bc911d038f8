using System.Diagnostics;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>Poll from one thread at a time, Dispose from any: enforced, never corrupting memory.</summary>
public sealed class ThreadSafetyTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public async Task Dispose_from_another_thread_during_a_busy_replay_makes_poll_return_and_never_corrupts_memory()
    {
        // In a child process: corrupted native memory aborts the process, which must fail this test, not the run.
        var child = Path.Combine(AppContext.BaseDirectory, "TypedKafka.DisposeRace.dll");
        var start = new ProcessStartInfo("dotnet", [child, "50"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(patience.Token);

        output.WriteLine(await stdout);
        Assert.True(process.ExitCode == 0, $"The child exited {process.ExitCode}: {await stderr}");
        Assert.Contains("50 iterations: every Dispose ended the busy poll", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_thread_entering_poll_is_refused_saying_so_and_the_first_goes_on()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("two-pollers", 1);
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };
        using var manager = new ConsumerManager(config, [SourceTopic.FromLatest("two-pollers")]);

        // The first poll waits for a message; the second thread must be refused while it does.
        // Until the first is inside, the second's polls go through, and a first poll that comes while
        // the second is inside is refused itself: then it is started again.
        var first = StartWaitingPoll(manager);
        var refused = await Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Replay.Patience)
            {
                if (first.IsFaulted && first.Exception!.InnerException is InvalidOperationException)
                {
                    first = StartWaitingPoll(manager);
                }
                else if (first.IsCompleted)
                {
                    // It returned or failed otherwise: say how, below.
                    return null;
                }

                try
                {
                    manager.Poll(0).Dispose();
                }
                catch (InvalidOperationException e)
                {
                    return e;
                }

                Thread.Yield();
            }

            return null;
        });
        if (first.IsCompleted)
        {
            // It ended with no message produced: its exception, or its rows, say how.
            Assert.Fail($"The waiting poll returned {await first} rows with no message produced.");
        }

        Assert.NotNull(refused);
        Assert.Contains("one thread at a time", refused.Message, StringComparison.Ordinal);

        // Reading the watermark brings the engine up to date: refused too while the poll is inside.
        var watermark = await Task.Run(() => Record.Exception(() => manager.PrimingWatermark));
        Assert.Contains("one thread at a time", Assert.IsType<InvalidOperationException>(watermark).Message, StringComparison.Ordinal);

        cluster.Produce("two-pollers", [new LocalMessage(0, Base, null, [1])]);
        Assert.Equal(1, await first.WaitAsync(Replay.Patience));
    }

    private static Task<int> StartWaitingPoll(ConsumerManager manager) => Task.Run(() =>
    {
        using var batch = manager.Poll(Timeout.Infinite);
        return batch.Length;
    });

    [Fact]
    public void Poll_timeouts_are_checked_alike_in_both_forms()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("timeouts", 1);
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };
        using var manager = new ConsumerManager(config, [SourceTopic.FromLatest("timeouts")]);

        Assert.Throws<ArgumentOutOfRangeException>(() => manager.Poll(-2));
        Assert.Throws<ArgumentOutOfRangeException>(() => manager.Poll(TimeSpan.FromSeconds(-1)));
        manager.Poll(TimeSpan.Zero).Dispose();
        manager.Poll(0).Dispose();
    }
}
