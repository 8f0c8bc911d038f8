using System.Text.Json;
using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary><c>typedkafka tail</c>, run in-process against an embedded cluster, with its output captured.</summary>
public sealed class TailCommandTests : IDisposable
{
    private const long Base = 1_767_225_600_000;
    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _clicks = $"clicks-{Guid.NewGuid():N}";
    private readonly string _views = $"views-{Guid.NewGuid():N}";
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();

    public TailCommandTests()
    {
        // Interleaved in time across two topics and five partitions: clicks at 0, 30, 60 ... ms, views at 10, 40, 70 ... ms.
        _cluster.CreateTopic(_clicks, 3);
        _cluster.CreateTopic(_views, 2);
        _cluster.Produce(_clicks, Enumerable.Range(0, 6).Select(i => LocalMessage.FromStrings(i % 3, Base + (i * 30), $"u{i}", $"click-{i}")));
        _cluster.Produce(_views, Enumerable.Range(0, 6).Select(i => LocalMessage.FromStrings(i % 2, Base + 10 + (i * 30), $"u{i}", $"view-{i}")));
    }

    public void Dispose() => _cluster.Dispose();

    private Task<int> Run(CancellationToken cancellation, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, _ => null, cancellation);
    }

    private Task<int> Run(params string[] args) => Run(Guard(), args);

    /// <summary>A bounded run ends on its own; this only turns a hang into a failure.</summary>
    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    private string[] Lines() => _stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Until_end_prints_every_message_as_a_text_line_in_timestamp_order_across_partitions()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{_clicks}:earliest", "--topic", $"{_views}:earliest", "--until", "end");

        Assert.True(exit == 0, _stderr.ToString());
        // Click i went to partition i % 3 at offset i / 3; view i to partition i % 2 at offset i / 2.
        var expected = Enumerable.Range(0, 6).SelectMany(i => new[]
        {
            $"2026-01-01T00:00:00.{i * 30:000}Z {_clicks}[{i % 3}]@{i / 3} u{i} click-{i}",
            $"2026-01-01T00:00:00.{10 + (i * 30):000}Z {_views}[{i % 2}]@{i / 2} u{i} view-{i}",
        });
        Assert.Equal(expected, Lines());
        Assert.Contains("typedkafka tail: 12 messages; complete (--until reached)", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_lines_with_max_messages_are_the_first_n_in_timestamp_order()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{_clicks}:earliest", "--topic", $"{_views}:earliest", "--format", "json", "--max-messages", "5");

        Assert.True(exit == 0, _stderr.ToString());
        var rows = Lines().Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["click-0", "view-0", "click-1", "view-1", "click-2"], rows.Select(r => r.GetProperty("value").GetString()));
        Assert.Equal(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.010Z", "2026-01-01T00:00:00.030Z", "2026-01-01T00:00:00.040Z", "2026-01-01T00:00:00.060Z"], rows.Select(r => r.GetProperty("timestamp").GetString()));
        var first = rows[0];
        Assert.Equal(_clicks, first.GetProperty("topic").GetString());
        Assert.Equal(0, first.GetProperty("partition").GetInt32());
        Assert.Equal(0, first.GetProperty("offset").GetInt64());
        Assert.Equal("u0", first.GetProperty("key").GetString());
        Assert.Equal("utf8", first.GetProperty("key_encoding").GetString());
        Assert.Equal("utf8", first.GetProperty("value_encoding").GetString());
        Assert.Contains("5 messages; stopped at --max-messages", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_a_time_prints_exactly_the_messages_stamped_before_it()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{_clicks}:earliest", "--topic", $"{_views}:earliest", "--until", "2026-01-01T00:00:00.070Z");

        Assert.True(exit == 0, _stderr.ToString());
        // Before 70 ms: clicks at 0, 30, 60 and views at 10, 40.
        Assert.Equal(["click-0", "view-0", "click-1", "view-1", "click-2"], Lines().Select(line => line.Split(' ')[^1]));
    }

    [Fact]
    public async Task Binary_keys_and_values_are_shown_as_hex_in_text_and_base64_in_json()
    {
        var blobs = $"blobs-{Guid.NewGuid():N}";
        _cluster.CreateTopic(blobs, 1);
        _cluster.Produce(blobs, [
            new LocalMessage(0, Base, [0x00, 0xff], [0xca, 0xfe, 0x01]),
            LocalMessage.FromStrings(0, Base + 1, null, "0xcafe"),
            LocalMessage.FromStrings(0, Base + 2, "tab\there", "line\nbreak"),
        ]);

        Assert.Equal(0, await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{blobs}:earliest", "--until", "end"));
        Assert.Equal(
            [
                $"2026-01-01T00:00:00.000Z {blobs}[0]@0 0x00ff 0xcafe01",
                // Text that begins with 0x is hex too, so that 0x always means hex; control characters are not printable.
                $"2026-01-01T00:00:00.001Z {blobs}[0]@1 (null) 0x307863616665",
                $"2026-01-01T00:00:00.002Z {blobs}[0]@2 0x7461620968657265 0x6c696e650a627265616b",
            ],
            Lines());

        _stdout.GetStringBuilder().Clear();
        Assert.Equal(0, await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{blobs}:earliest", "--until", "end", "--format", "json"));
        var rows = Lines().Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(("AP8=", "base64"), (rows[0].GetProperty("key").GetString(), rows[0].GetProperty("key_encoding").GetString()));
        Assert.Equal(("yv4B", "base64"), (rows[0].GetProperty("value").GetString(), rows[0].GetProperty("value_encoding").GetString()));
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("key").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("key_encoding").ValueKind);
        // In JSON any valid UTF-8 is text: escaping keeps it on one line.
        Assert.Equal(("0xcafe", "utf8"), (rows[1].GetProperty("value").GetString(), rows[1].GetProperty("value_encoding").GetString()));
        Assert.Equal("line\nbreak", rows[2].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Without_a_bound_it_prints_live_messages_until_stopped_and_then_exits_cleanly()
    {
        using var stop = new CancellationTokenSource();
        var run = Run(stop.Token, "tail", "-b", _cluster.BootstrapServers, "--topic", $"{_views}:latest");

        // Produced until the tail shows one: whether the first ones come before it starts reading at the end is a race.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var i = 0; !_stdout.ToString().Contains("live-", StringComparison.Ordinal); i++)
        {
            Assert.False(run.IsCompleted, $"The tail ended on its own: {_stderr}");
            Assert.True(DateTime.UtcNow < deadline, "No live message was printed.");
            _cluster.Produce(_views, [LocalMessage.FromStrings(0, Base + 1_000_000 + i, null, $"live-{i}")]);
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.DoesNotContain("view-", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"typedkafka tail: \d+ messages; stopped", _stderr.ToString());
    }

    [Fact]
    public async Task An_unknown_topic_fails_naming_it()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", "nowhere:earliest");

        Assert.Equal(1, exit);
        Assert.Contains("'nowhere' does not exist", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error()
    {
        var exit = await Run("tail", "-b", _cluster.BootstrapServers, "--topic", $"{_clicks}:earliest", "--format", "csv");

        Assert.NotEqual(0, exit);
        Assert.Contains("csv", _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
    }
}
