using System.Diagnostics;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>Poll from one thread at a time, Dispose from any: enforced, never corrupting memory.</summary>
public sealed class ThreadSafetyTests
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public async Task Dispose_from_another_thread_during_a_busy_replay_makes_poll_return_and_never_throws()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("dispose-race", 8);
        cluster.Produce("dispose-race", Enumerable.Range(0, 40_000).Select(i => new LocalMessage(i % 8, Base + i, null, new byte[64])));
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };

        for (var iteration = 0; iteration < 25; iteration++)
        {
            var manager = new ConsumerManager(config, [SourceTopic.FromEarliest("dispose-race")], new ConsumerOptions { BatchSize = 500 });
            using var started = new SemaphoreSlim(0);
            var poller = Task.Run(() =>
            {
                var polls = 0;
                try
                {
                    while (true)
                    {
                        using var batch = manager.Poll(Timeout.Infinite);
                        if (++polls == 1 + (iteration % 4))
                        {
                            started.Release();
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                    return polls;
                }
            });

            await started.WaitAsync(Replay.Patience);
            manager.Dispose();
            var polled = await poller.WaitAsync(Replay.Patience);
            Assert.True(polled > 0);
            manager.Dispose();
        }
    }

    [Fact]
    public async Task A_second_thread_entering_poll_is_refused_saying_so_and_the_first_goes_on()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("two-pollers", 1);
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };
        using var manager = new ConsumerManager(config, [SourceTopic.FromLatest("two-pollers")]);

        using var inside = new ManualResetEventSlim();
        var first = Task.Run(() =>
        {
            inside.Set();
            using var batch = manager.Poll(Timeout.Infinite);
            return batch.Length;
        });
        Assert.True(inside.Wait(Replay.Patience));

        // The first poll waits for a message; the second thread must be refused while it does.
        var refused = await Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Replay.Patience)
            {
                try
                {
                    manager.Poll(0).Dispose();
                }
                catch (InvalidOperationException e)
                {
                    return e;
                }
            }

            return null;
        });
        Assert.NotNull(refused);
        Assert.Contains("one thread at a time", refused.Message, StringComparison.Ordinal);

        cluster.Produce("two-pollers", [new LocalMessage(0, Base, null, [1])]);
        Assert.Equal(1, await first.WaitAsync(Replay.Patience));
    }

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
