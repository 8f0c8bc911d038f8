using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Spectre.Console;
using TypedKafka.Cli.Output;
using TypedKafka.Windows;

namespace TypedKafka.Cli.Commands;

/// <summary><c>typedkafka replay</c>: an ordered replay of topics, with progress, into an Arrow IPC file; bounded with --until or --max-messages.</summary>
internal static class ReplayCommand
{
    /// <summary>Exit code when Ctrl+C stopped a replay before it went live (128 + SIGINT, as shells do).</summary>
    public const int Interrupted = 130;

    /// <param name="standardOutput">Opens the process's standard output as bytes, for <c>--out -</c>.</param>
    public static Command Create(IAnsiConsole console, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, Func<Stream> standardOutput)
    {
        var configFile = SharedOptions.ConfigFile();
        var bootstrap = SharedOptions.BootstrapServers(environment, configFile);
        var topics = SharedOptions.Topics(
            "A topic and where to start, NAME:POLICY[:ARG] (repeatable). Policies: earliest, latest, relative_time:LOOKBACK (milliseconds or 1h, 2d), absolute_time:TIME (as --until), start_of_day:HH:MM:ZONE, committed[:earliest|latest].");
        var cutoff = new Option<long?>("--cutoff")
        {
            Description = "The switch from replay to live, not an end: each partition stops replaying at its first message at or after this time, "
                + "and that message and the ones after it are still read. Default: now. For an exact end, use --until. Forms as --until.",
            CustomParser = result => SharedOptions.ParseInstant(result, "--cutoff")?.ToUnixTimeMilliseconds(),
        };
        var until = SharedOptions.Until(
            "Read up to here, write exactly what comes before, and exit: 'end' (the end of each partition when the command starts; "
            + "nothing produced later), or a time, exclusive (only messages stamped before it): " + TimeArgument.InstantForms + ".");
        var maxMessages = SharedOptions.MaxMessages("Stop after this many messages, the first ones in timestamp order.");
        var speed = new Option<double?>("--speed")
        {
            Description = "Replay at the recorded pace, N times faster: 1 as recorded, 10 ten times faster, 0.5 half as fast. Default: as fast as it can be read.",
            CustomParser = ParseSpeed,
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Messages per batch at most.", DefaultValueFactory = _ => ConsumerOptions.DefaultBatchSize };
        var output = new Option<string?>("--out")
        {
            Description = "Write the ordered messages to this file, in the format its extension names: .arrow (Arrow IPC file), .arrows (Arrow IPC stream), "
                + ".parquet, .jsonl (JSON lines) or .csv; '-' is standard output (an Arrow IPC stream, or --format jsonl|csv). Written under a temporary name, renamed when complete.",
        };
        var valueFormat = new Option<string>("--value-format")
        {
            Description = "How values are decoded: raw (bytes in a value column), or avro / protobuf (Confluent's wire format, one column per field of the schema in --schema-registry).",
            DefaultValueFactory = _ => "raw",
        };
        valueFormat.AcceptOnlyFromAmong("raw", "avro", "protobuf");
        var schemaRegistry = new Option<string?>("--schema-registry")
        {
            Description = $"The Schema Registry URL for --value-format avro or protobuf. Default: ${SharedOptions.SchemaRegistryVariable}.",
            DefaultValueFactory = _ => environment(SharedOptions.SchemaRegistryVariable),
        };
        var subject = new Option<string?>("--subject") { Description = "With --value-format: the subject whose latest schema is read. Default: TOPIC-value (one topic)." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading live messages after the replay until stopped (Ctrl+C); not with --until." };
        var settings = SharedOptions.Config();
        var group = new Option<string?>("--group")
        {
            Description = "Join this consumer group and read only the partitions it gives this process (run several to share a topic); "
                + "each written batch is committed, so a rerun or another member goes on after it. Order holds over this member's partitions only.",
        };
        var window = new Option<TimeSpan?>("--window")
        {
            Description = "Micro-batch mode: cut the ordered stream into event-time windows of this length (30s, 5m, 1h, or milliseconds), one file per window in --out-dir.",
            CustomParser = ParseWindow,
        };
        var outDir = new Option<DirectoryInfo?>("--out-dir") { Description = "With --window: the folder for the window files, each named by its start." };
        var format = new Option<string?>("--format")
        {
            Description = "The format of --out, in place of its extension: arrow, arrows, parquet, jsonl or csv. With --window: the window files' format, parquet (the default) or arrow.",
        };
        format.AcceptOnlyFromAmong([.. OutputFormats.Names]);

        var command = new Command("replay", "Replay topics in timestamp order across all partitions, showing progress; exits once every partition is live, or at --until.")
        {
            bootstrap, configFile, topics, cutoff, until, maxMessages, speed, batchSize, output, follow, settings, window, outDir, format, valueFormat, schemaRegistry, subject, group,
        };
        command.Validators.Add(result =>
        {
            // Whether --until was given, not its value: a bad value is already an error of its own.
            if (result.GetResult(until) is not null && result.GetValue(follow))
            {
                result.AddError("--until and --follow do not go together: --until ends the read, --follow reads on without end.");
            }

            if (result.GetValue(valueFormat) is "avro" or "protobuf" && string.IsNullOrWhiteSpace(result.GetValue(schemaRegistry)))
            {
                result.AddError($"--value-format {result.GetValue(valueFormat)} needs --schema-registry URL (or ${SharedOptions.SchemaRegistryVariable}).");
            }

            if (result.GetValue(group) is not null && result.GetValue(window) is not null)
            {
                result.AddError("--group and --window do not go together: each batch is committed once written, and a window still open would be committed half-done.");
            }

            if (result.GetValue(window) is not null != result.GetValue(outDir) is not null)
            {
                result.AddError("--window and --out-dir go together: micro-batch mode needs both.");
            }

            var formatName = result.GetValue(format);
            if (result.GetValue(window) is not null)
            {
                if (formatName is not (null or "parquet" or "arrow"))
                {
                    result.AddError($"--format {formatName} does not go with --window: window files are parquet or arrow.");
                }
            }
            else if (result.GetValue(output) is { } target)
            {
                if (OutputFormats.Choose(target, formatName, out var error) is null)
                {
                    result.AddError(error!);
                }
            }
            else if (formatName is not null)
            {
                result.AddError("--format says how to write --out (or --window files): give --out FILE or -.");
            }
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var target = parse.GetValue(output);
            var windowed = parse.GetValue(window) is not null;
            var options = new ReplayOptions(
                parse.GetValue(bootstrap),
                parse.GetRequiredValue(topics),
                parse.GetValue(cutoff),
                parse.GetValue(batchSize),
                target,
                parse.GetValue(follow),
                parse.GetValue(settings) ?? [],
                parse.GetValue(window),
                parse.GetValue(outDir)?.FullName,
                windowed ? parse.GetValue(format) ?? "parquet" : "parquet",
                parse.GetValue(until),
                parse.GetValue(maxMessages),
                parse.GetValue(speed),
                parse.GetValue(valueFormat) ?? "raw",
                parse.GetValue(schemaRegistry),
                parse.GetValue(subject),
                parse.GetValue(group))
            {
                ConfigFile = parse.GetValue(configFile),
                OutputFormat = target is null ? null : OutputFormats.Choose(target, windowed ? null : parse.GetValue(format), out _),
            };
            try
            {
                // With the rows on standard output, progress and the summary go to standard error.
                return target == OutputFormats.StandardOutput
                    ? await new ReplayRun(options, console, stderr, standardOutput(), stderr).RunAsync(cancellation)
                    : await new ReplayRun(options, console, stdout, standardOutput: null, stderr).RunAsync(cancellation);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KafkaException or IOException or UnauthorizedAccessException
                                       or BadPayloadException or NotSupportedException or InvalidOperationException)
            {
                await stderr.WriteLineAsync($"typedkafka replay: {e.Message}");
                return 1;
            }
        });
        return command;
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

    // A parser rather than a validator: a validator cannot read a value that did not parse.
    private static double? ParseSpeed(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed))
        {
            return speed;
        }

        result.AddError($"--speed must be a positive number, e.g. 1 (as recorded) or 10 (ten times faster); got '{text}'.");
        return null;
    }

}

internal sealed record ReplayOptions(
    string? BootstrapServers,
    IReadOnlyList<SourceTopic> Topics,
    long? CutoffMs,
    int BatchSize,
    string? OutputPath,
    bool Follow,
    IReadOnlyList<string> Settings,
    TimeSpan? Window = null,
    string? WindowDirectory = null,
    string WindowFormat = "parquet",
    ReplayEnd? Until = null,
    long? MaxMessages = null,
    double? Speed = null,
    string ValueFormat = "raw",
    string? SchemaRegistryUrl = null,
    string? Subject = null,
    string? Group = null)
{
    /// <summary>The format of <see cref="OutputPath"/>; set whenever it is.</summary>
    public OutputFormat? OutputFormat { get; init; }

    /// <summary>A librdkafka properties file, read before <see cref="BootstrapServers"/> and <see cref="Settings"/>.</summary>
    public string? ConfigFile { get; init; }

    public Dictionary<string, string> ConsumerConfig() => SharedOptions.ClientConfig(BootstrapServers, ConfigFile, Settings);
}

/// <summary>
/// One replay: poll, write, show progress; stop when live, complete (--until), at --max-messages,
/// or when cancelled. The summary counts every row consumed and not written.
/// </summary>
/// <param name="stdout">Where progress and the summary go: standard error when the rows go to <paramref name="standardOutput"/>.</param>
/// <param name="standardOutput">Standard output as bytes, for <c>--out -</c>; null otherwise.</param>
/// <param name="warnings">Standard error.</param>
internal sealed class ReplayRun(ReplayOptions options, IAnsiConsole console, TextWriter stdout, Stream? standardOutput, TextWriter warnings)
{
    private static readonly TimeSpan PlainProgressInterval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = new();
    private long _released;
    private long _releasedPastMax;
    private TimeSpan? _liveAfter;
    private long _releasedInReplay;
    private bool _finished;
    private int _windowsWritten;
    private WindowAssembler? _windows;

    public async Task<int> RunAsync(CancellationToken cancellation)
    {
        var consumerOptions = new ConsumerOptions
        {
            CutoffMs = options.CutoffMs,
            BatchSize = options.BatchSize,
            Until = options.Until,
            Pace = options.Speed is { } speed ? ReplayPace.Recorded(speed) : ReplayPace.Unpaced,
            ConsumerGroup = options.Group,
        };
        using var registry = options.ValueFormat == "raw" ? null : new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = options.SchemaRegistryUrl });
        if (registry is not null)
        {
            consumerOptions = consumerOptions with
            {
                ValueFormat = options.ValueFormat == "avro"
                    ? TypedKafka.ValueFormat.Avro(registry, options.Subject)
                    : TypedKafka.ValueFormat.Protobuf(registry, options.Subject),
            };
        }

        if (options.ValueFormat != "raw" && options.OutputFormat is OutputFormat.JsonLines or OutputFormat.Csv)
        {
            throw new ArgumentException($"--value-format {options.ValueFormat} writes one column per schema field: choose .arrow, .arrows or .parquet for --out (JSON lines and CSV carry raw key and value bytes).");
        }

        using var manager = new ConsumerManager(options.ConsumerConfig(), options.Topics, consumerOptions);
        foreach (var warning in TimePolicyWarnings.For(manager, options.Topics))
        {
            await warnings.WriteLineAsync($"typedkafka replay: {warning}");
        }

        using var sink = options.OutputPath is not { } target ? null
            : target == OutputFormats.StandardOutput ? MessageSink.ToStream(standardOutput!, options.OutputFormat!.Value, manager.Schema)
            : MessageSink.ToFile(target, options.OutputFormat!.Value, manager.Schema);
        using var windows = options.Window is { } length ? new WindowAssembler(new TumblingWindowOptions(length)) : null;
        if (windows is not null)
        {
            Directory.CreateDirectory(options.WindowDirectory!);
        }

        _windows = windows;
        _clock.Start();

        // The live table draws on standard output: not when the rows go there.
        if (standardOutput is null && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
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

        await stdout.WriteLineAsync(Summary(manager));
        return _finished || options.Follow ? 0 : ReplayCommand.Interrupted;
    }

    private void Loop(ConsumerManager manager, MessageSink? sink, Action showProgress, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var batch = manager.Poll(timeoutMs: 250);
            if (options.MaxMessages is { } max && _released + batch.Length > max)
            {
                // The first rows up to the limit are written; the rest of this batch is counted as not written.
                var keep = (int)(max - _released);
                _releasedPastMax += batch.Length - keep;
                var head = batch.SliceShared(0, keep);
                batch.Dispose();
                batch = head;
            }

            sink?.Write(batch);
            _released += batch.Length;
            if (options.Group is not null && batch.Length > 0)
            {
                CommitWritten(manager);
            }

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
            // A group member holds nothing until its first rebalance, and holding nothing is live: it is not done before it has read.
            var reading = options.Group is null || manager.PartitionCount > 0;
            _finished = _released == options.MaxMessages
                || (reading && (options.Until is null ? manager.IsLive && !options.Follow : manager.IsComplete));
            if (_finished)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Commits what was written. A commit refused because the group is rebalancing is left to the
    /// next batch's commit (or to the revocation's): the rows since the last commit may be read again by
    /// the next owner, never skipped.
    /// </summary>
    private static void CommitWritten(ConsumerManager manager)
    {
        try
        {
            manager.CommitReleased();
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId)
        {
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

    private string Summary(ConsumerManager manager)
    {
        // The rate is the replay's: time spent waiting for live messages would only dilute it.
        // A bounded read is all replay, up to its end.
        var (replayed, seconds) = options.Until is null && _liveAfter is { } after ? (_releasedInReplay, after.TotalSeconds) : (_released, _clock.Elapsed.TotalSeconds);
        seconds = Math.Max(seconds, 0.001);
        var end = options.Until is not null
            ? manager.IsComplete ? "complete (--until reached)" : "not complete (stopped before --until)"
            : _liveAfter is not { } liveAfter ? "not live (stopped during replay)"
            : $"live after {liveAfter.TotalSeconds:0.0} s" + (_released > _releasedInReplay ? $", then {_released - _releasedInReplay:N0} live messages" : string.Empty);
        if (options.MaxMessages is { } max && _released == max)
        {
            end += ", stopped at --max-messages";
        }

        var written = (options.OutputPath is not { } target ? string.Empty
                : $"; wrote {_released:N0} rows to " + (target == OutputFormats.StandardOutput ? "standard output" : Path.GetFullPath(target)))
            + (options.Window is null ? string.Empty : $"; wrote {_windowsWritten} window file(s) to {options.WindowDirectory}");

        // Rows consumed but never handed out: say so, and why, rather than drop them silently.
        var held = manager.HeldMessageCount;
        var notWritten = held + _releasedPastMax == 0 ? string.Empty
            : $"; {held + _releasedPastMax:N0} rows consumed and not written ("
                + string.Join(", ", new[]
                {
                    held > 0 ? $"{held:N0} held for ordering when the read stopped" : null,
                    _releasedPastMax > 0 ? $"{_releasedPastMax:N0} past --max-messages" : null,
                }.OfType<string>())
                + (options.Until is null && options.MaxMessages is null ? "; for an exact end use --until" : string.Empty)
                + ")";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"replayed {replayed:N0} messages in {seconds:0.0} s ({replayed / seconds:N0}/s); {end}{written}{notWritten}");
    }
}
