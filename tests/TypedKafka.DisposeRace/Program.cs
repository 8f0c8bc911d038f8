using TypedKafka;
using TypedKafka.Testing;

// Usage: TypedKafka.DisposeRace ITERATIONS. Exit 0 when every Dispose made the busy Poll return and nothing threw.
var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
const long Base = 1_767_225_600_000;

using var cluster = new LocalKafkaCluster();
cluster.CreateTopic("dispose-race", 8);
cluster.Produce("dispose-race", Enumerable.Range(0, 40_000).Select(i => new LocalMessage(i % 8, Base + i, null, new byte[64])));
var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers };
var patience = TimeSpan.FromSeconds(60);

for (var iteration = 0; iteration < iterations; iteration++)
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

    // Dispose lands at a different point of the replay each time: after 1 to 4 polls, mid-poll.
    if (!await started.WaitAsync(patience))
    {
        Console.Error.WriteLine($"iteration {iteration}: the replay never started");
        return 2;
    }

    manager.Dispose();
    await poller.WaitAsync(patience);
    manager.Dispose();
}

Console.WriteLine($"{iterations} iterations: every Dispose ended the busy poll, nothing threw");
return 0;
