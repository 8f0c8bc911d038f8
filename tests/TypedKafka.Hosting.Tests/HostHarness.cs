using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedKafka.Testing;

namespace TypedKafka.Hosting.Tests;

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Tick(string Symbol, double Price, long Sequence);

/// <summary>What the handlers of a test saw, and how they should behave.</summary>
internal sealed class Recorder
{
    public ConcurrentQueue<Tick> Ticks { get; } = new();

    public ConcurrentQueue<(string Topic, int Partition, long Offset)> RawRows { get; } = new();

    public ConcurrentQueue<SeenWindow> Windows { get; } = new();

    /// <summary>Calls to the handler, failed ones included.</summary>
    public int Calls;

    /// <summary>The handler throws on its first this-many calls.</summary>
    public int FailFirstCalls;

    /// <summary>When positive, the handler throws from this call on.</summary>
    public int FailFrom;

    public string FailureMessage { get; set; } = "handler broke";

    /// <summary>When set, the handler waits for it before returning the first batch.</summary>
    public SemaphoreSlim? HoldFirstBatch { get; set; }
}

internal sealed class TickHandler(Recorder recorder) : IBatchHandler<Tick>
{
    public async ValueTask HandleAsync(TypedBatch<Tick> batch, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref recorder.Calls);
        if (call == 1 && recorder.HoldFirstBatch is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        if (call <= recorder.FailFirstCalls)
        {
            throw new InvalidOperationException(recorder.FailureMessage);
        }

        foreach (var tick in batch.Rows)
        {
            recorder.Ticks.Enqueue(tick);
        }
    }
}

internal sealed class RawHandler(Recorder recorder) : IBatchHandler
{
    public ValueTask HandleAsync(Apache.Arrow.RecordBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref recorder.Calls);
        var topics = (Apache.Arrow.StringArray)batch.Column("topic");
        var partitions = (Apache.Arrow.Int32Array)batch.Column("partition");
        var offsets = (Apache.Arrow.Int64Array)batch.Column("offset");
        for (var i = 0; i < batch.Length; i++)
        {
            recorder.RawRows.Enqueue((topics.GetString(i), partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value));
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every log line, exception text included.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public string All => string.Join(Environment.NewLine, Lines.Select(l => l.Text));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            owner.Lines.Enqueue((logLevel, $"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}"));
        }
    }
}

internal static class HostHarness
{
    public const long Base = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static IHost Build(
        Dictionary<string, string?> settings,
        Action<TypedKafkaBuilder> addConsumers,
        Recorder recorder,
        CapturedLogs? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton(recorder);
        addConsumers(builder.Services.AddTypedKafka(builder.Configuration.GetSection("TypedKafka")));
        return builder.Build();
    }

    /// <summary>Ticks <c>firstSequence..</c>, tick <c>i</c> at <c>Base + i * spacingMs</c> on partition <c>i % partitions</c>.</summary>
    public static void ProduceTicks(LocalKafkaCluster cluster, string topic, int partitions, int count, int firstSequence = 0, long spacingMs = 10) =>
        cluster.Produce(topic, Enumerable.Range(firstSequence, count).Select(i => LocalMessage.FromStrings(
            i % partitions,
            Base + (i * spacingMs),
            $"S{i % 5}",
            JsonSerializer.Serialize(new Tick($"S{i % 5}", 100 + i, i), Web))));

    /// <summary>Waits for a condition the host reaches on its own; the generous limit only guards against a hang.</summary>
    public static Task Eventually(Func<bool> condition, string what) => Eventually(condition, what, () => string.Empty);

    /// <summary>As above; on failure the message adds <paramref name="detail"/> (for instance the log lines that tell why).</summary>
    public static async Task Eventually(Func<bool> condition, string what, Func<string> detail)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Never happened: {what}{Environment.NewLine}{detail()}");
            }

            await Task.Delay(20);
        }
    }
}
