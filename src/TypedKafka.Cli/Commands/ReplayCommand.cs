using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Spectre.Console;
using TypedKafka.Cli.Output;
using TypedKafka.Windows;

namespace TypedKafka.Cli.Commands;

/// <summary><c>typedkafka replay</c>: an ordered replay of topics, with progress, into an Arrow IPC file.</summary>
internal static class ReplayCommand
{
    /// <summary>Exit code when Ctrl+C stopped a replay before it went live (128 + SIGINT, as shells do).</summary>
    public const int Interrupted = 130;

    public static Command Create(IAnsiConsole console, TextWriter stdout, TextWriter stderr)
    {
        var bootstrap = new Option<string>("--bootstrap-servers") { Description = "The cluster, HOST:PORT[,HOST:PORT...].", Required = true };
        var topics = new Option<SourceTopic[]>("--topic")
        {
            Description = "A topic and where to start, NAME:POLICY[:ARG] (repeatable). Policies: earliest, latest, relative_time:MS, absolute_time:MS, start_of_day:HH:MM:ZONE, committed[:earliest|latest].",
            Required = true,
            CustomParser = result => [.. result.Tokens.Select(token => ParseTopic(token.Value, result)).OfType<SourceTopic>()],
        };
        var cutoff = new Option<long?>("--cutoff")
        {
            Description = "Where replay ends and live begins: an ISO 8601 instant, Unix milliseconds, or 'now' (the default).",
            CustomParser = ParseCutoff,
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Messages per batch at most.", DefaultValueFactory = _ => 10_000 };
        var output = new Option<FileInfo?>("--out") { Description = "Write the ordered messages to this Arrow IPC file (FILE.arrow)." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading live messages after the replay until stopped (Ctrl+C)." };
        var settings = new Option<string[]>("--config") { Description = "A librdkafka consumer setting, KEY=VALUE (repeatable), e.g. group.id=reports." };
        var window = new Option<TimeSpan?>("--window")
        {
            Description = "Micro-batch mode: cut the ordered stream into event-time windows of this length (30s, 5m, 1h, or milliseconds), one file per window in --out-dir.",
            CustomParser = ParseWindow,
        };
        var outDir = new Option<DirectoryInfo?>("--out-dir") { Description = "With --window: the folder for the window files, each named by its start." };
        var format = new Option<string>("--format") { Description = "With --window: the window files' format.", DefaultValueFactory = _ => "parquet" };
        format.AcceptOnlyFromAmong("parquet", "arrow");

        var command = new Command("replay", "Replay topics in timestamp order across all partitions, showing progress; exits once every partition is live.")
        {
            bootstrap, topics, cutoff, batchSize, output, follow, settings, window, outDir, format,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(window) is not null != result.GetValue(outDir) is not null)
            {
                result.AddError("--window and --out-dir go together: micro-batch mode needs both.");
            }
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new ReplayOptions(
                parse.GetRequiredValue(bootstrap),
                parse.GetRequiredValue(topics),
                parse.GetValue(cutoff),
                parse.GetValue(batchSize),
                parse.GetValue(output)?.FullName,
                parse.GetValue(follow),
                parse.GetValue(settings) ?? [],
                parse.GetValue(window),
                parse.GetValue(outDir)?.FullName,
                parse.GetValue(format) ?? "parquet");
            try
            {
                return await new ReplayRun(options, console, stdout).RunAsync(cancellation);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KafkaException or IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"typedkafka replay: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static SourceTopic? ParseTopic(string spec, ArgumentResult result)
    {
        try
        {
            return SourceTopic.Parse(spec);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            result.AddError($"--topic: {e.Message}");
            return null;
        }
    }

    private static TimeSpan? ParseWindow(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        var (number, unit) = text.Length > 1 && char.IsLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 'x');
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            switch (unit)
            {
                case 'x': return TimeSpan.FromMilliseconds(value);
                case 's': return TimeSpan.FromSeconds(value);
                case 'm': return TimeSpan.FromMinutes(value);
                case 'h': return TimeSpan.FromHours(value);
                case 'd': return TimeSpan.FromDays(value);
            }
        }

        result.AddError($"--window '{text}': expected a positive length such as 30s, 5m, 1h, 1d or milliseconds.");
        return null;
    }

    private static long? ParseCutoff(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (text.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUnixTimeMilliseconds();
        }

        result.AddError($"--cutoff '{text}': expected an ISO 8601 instant such as 2026-11-24T08:00:00Z, Unix milliseconds, or 'now'.");
        return null;
    }
}

internal sealed record ReplayOptions(
    string BootstrapServers,
    IReadOnlyList<SourceTopic> Topics,
    long? CutoffMs,
    int BatchSize,
    string? OutputPath,
    bool Follow,
    IReadOnlyList<string> Settings,
    TimeSpan? Window = null,
    string? WindowDirectory = null,
    string WindowFormat = "parquet")
{
    public Dictionary<string, string> ConsumerConfig()
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal) { ["bootstrap.servers"] = BootstrapServers };
        foreach (var setting in Settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"--config '{setting}': expected KEY=VALUE.");
            }

            config[setting[..equals]] = setting[(equals + 1)..];
        }

        return config;
    }
}

/// <summary>One replay: poll, write, show progress, stop when live (or when cancelled, with --follow).</summary>
internal sealed class ReplayRun(ReplayOptions options, IAnsiConsole console, TextWriter stdout)
{
    private static readonly TimeSpan PlainProgressInterval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = new();
    private long _released;
    private TimeSpan? _liveAfter;
    private long _releasedInReplay;
    private int _windowsWritten;
    private WindowAssembler? _windows;

    public async Task<int> RunAsync(CancellationToken cancellation)
    {
        using var manager = new ConsumerManager(options.ConsumerConfig(), options.Topics, options.CutoffMs, options.BatchSize);
        using var sink = options.OutputPath is null ? null : new ArrowFileSink(options.OutputPath, Schemas.Message);
        using var windows = options.Window is { } length ? new WindowAssembler(new TumblingWindowOptions(length)) : null;
        if (windows is not null)
        {
            Directory.CreateDirectory(options.WindowDirectory!);
        }

        _windows = windows;
        _clock.Start();

        if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
        {
            await console.Live(ProgressTable.Render(manager, _released)).StartAsync(context =>
            {
                Loop(manager, sink, () => context.UpdateTarget(ProgressTable.Render(manager, _released)), cancellation);
                return Task.CompletedTask;
            });
        }
        else
        {
            // A line at the first poll, then at most one a second, then the final state.
            TimeSpan? lastLine = null;
            await Task.Run(() => Loop(manager, sink, () =>
            {
                if (lastLine is null || _clock.Elapsed - lastLine >= PlainProgressInterval)
                {
                    lastLine = _clock.Elapsed;
                    stdout.WriteLine(ProgressTable.Line(manager, _released, _clock.Elapsed));
                }
            }, cancellation), CancellationToken.None);
            await stdout.WriteLineAsync(ProgressTable.Line(manager, _released, _clock.Elapsed));
        }

        sink?.Complete();
        if (windows is not null)
        {
            // The window still open when the command ends is written as it stands.
            Write(windows.Complete());
        }

        await stdout.WriteLineAsync(Summary(manager, sink));
        return manager.IsLive || options.Follow ? 0 : ReplayCommand.Interrupted;
    }

    private void Loop(ConsumerManager manager, ArrowFileSink? sink, Action showProgress, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var batch = manager.Poll(timeoutMs: 250);
            sink?.Write(batch);
            _released += batch.Length;
            if (_windows is not null)
            {
                // The assembler owns the batch from here; its windows are written as they close.
                Write(_windows.Add(batch, manager.PrimingWatermark, manager.IsLive));
            }
            else
            {
                batch.Dispose();
            }

            if (manager.IsLive && _liveAfter is null)
            {
                _liveAfter = _clock.Elapsed;
                _releasedInReplay = _released;
            }

            showProgress();
            if (manager.IsLive && !options.Follow)
            {
                return;
            }
        }
    }

    private void Write(IReadOnlyList<ClosedWindow> closed)
    {
        foreach (var window in closed)
        {
            using (window)
            {
                var path = options.WindowFormat == "arrow"
                    ? WindowFiles.WriteArrow(window, options.WindowDirectory!)
                    : ParquetWindowFiles.Write(window, options.WindowDirectory!);
                _windowsWritten++;
                if (!console.Profile.Capabilities.Interactive)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"window {window.Start:yyyy-MM-ddTHH:mm:ssZ}: {window.RowCount:N0} rows -> {path}"));
                }
            }
        }
    }

    private string Summary(ConsumerManager manager, ArrowFileSink? sink)
    {
        // The rate is the replay's: time spent waiting for live messages would only dilute it.
        var (replayed, seconds) = _liveAfter is { } after ? (_releasedInReplay, after.TotalSeconds) : (_released, _clock.Elapsed.TotalSeconds);
        seconds = Math.Max(seconds, 0.001);
        var live = _liveAfter is not { } liveAfter ? "not live (stopped during replay)"
            : $"live after {liveAfter.TotalSeconds:0.0} s" + (_released > _releasedInReplay ? $", then {_released - _releasedInReplay:N0} live messages" : string.Empty);
        var written = (sink is null ? string.Empty : $"; wrote {options.OutputPath}")
            + (options.Window is null ? string.Empty : $"; wrote {_windowsWritten} window file(s) to {options.WindowDirectory}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"replayed {replayed:N0} messages in {seconds:0.0} s ({replayed / seconds:N0}/s); {live}; {manager.HeldMessageCount:N0} held{written}");
    }
}
