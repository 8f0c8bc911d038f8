namespace TypedKafka;

/// <summary>A topic to read and the policy that says where its replay starts.</summary>
public sealed record SourceTopic
{
    /// <summary>Kafka's own limit on topic-name length.</summary>
    public const int MaxNameLength = TopicNameRules.MaxLength;

    private SourceTopic(string name, OffsetPolicy policy)
    {
        Name = name;
        Policy = policy;
    }

    /// <summary>The topic name.</summary>
    public string Name { get; init; }

    /// <summary>Where the replay starts.</summary>
    public OffsetPolicy Policy { get; init; }

    /// <summary>Replays everything the broker still has.</summary>
    public static SourceTopic FromEarliest(string name) => Create(name, new OffsetPolicy.Earliest());

    /// <summary>No replay: only messages produced after construction.</summary>
    public static SourceTopic FromLatest(string name) => Create(name, new OffsetPolicy.Latest());

    /// <summary>Replays from <paramref name="lookbackMs"/> milliseconds before now.</summary>
    public static SourceTopic FromRelativeTime(string name, long lookbackMs) =>
        FromRelativeTime(name, lookbackMs < 0
            ? throw new ArgumentOutOfRangeException(nameof(lookbackMs), lookbackMs, $"Topic '{name}': the relative-time look-back must not be negative.")
            : TimeSpan.FromMilliseconds(lookbackMs));

    /// <summary>Replays from <paramref name="lookback"/> before now.</summary>
    public static SourceTopic FromRelativeTime(string name, TimeSpan lookback) => Create(name, new OffsetPolicy.RelativeTime(lookback));

    /// <summary>Replays from the Unix timestamp <paramref name="timestampMs"/>, in milliseconds.</summary>
    public static SourceTopic FromAbsoluteTime(string name, long timestampMs) => Create(name, new OffsetPolicy.AbsoluteTime(timestampMs));

    /// <summary>Replays from the instant <paramref name="start"/>.</summary>
    public static SourceTopic FromAbsoluteTime(string name, DateTimeOffset start) =>
        FromAbsoluteTime(name, start.ToUnixTimeMilliseconds());

    /// <summary>
    /// Replays from the latest past occurrence of <paramref name="timeOfDay"/> on the wall clock of
    /// the IANA zone <paramref name="timeZoneId"/> (for example 08:00 in "America/New_York").
    /// </summary>
    public static SourceTopic FromStartOfDay(string name, TimeOnly timeOfDay, string timeZoneId) =>
        Create(name, new OffsetPolicy.StartOfDay(timeOfDay, timeZoneId));

    /// <summary>Resumes from the consumer group's committed offsets; partitions without one use <paramref name="fallback"/>.</summary>
    public static SourceTopic FromCommitted(string name, OffsetPolicy fallback) => Create(name, new OffsetPolicy.Committed(fallback));

    /// <summary>
    /// Parses the command-line and configuration syntax <c>NAME:POLICY[:ARG]</c>: <c>events:earliest</c>,
    /// <c>events:latest</c>, <c>events:relative_time:3600000</c> or <c>events:relative_time:1h</c> (back from now),
    /// <c>events:absolute_time:1767225600000</c> (Unix milliseconds) or <c>events:absolute_time:2026-01-01T00:00:00Z</c>
    /// (any form of <see cref="TimeArgument.ParseInstant"/>), <c>events:start_of_day:08:00:Europe/London</c>,
    /// <c>events:committed</c> (falling back to earliest) or <c>events:committed:latest</c>.
    /// </summary>
    /// <exception cref="FormatException">The text does not follow the syntax; the message says what was expected.</exception>
    /// <exception cref="ArgumentException">The syntax is right but the topic or its argument is not valid.</exception>
    public static SourceTopic Parse(string spec) => Parse(spec, TimeProvider.System);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="spec">The text, <c>NAME:POLICY[:ARG]</c>.</param>
    /// <param name="clock">What "now" is for an absolute time given as a duration (<c>absolute_time:1h</c>) or <c>now</c>.</param>
    internal static SourceTopic Parse(string spec, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(clock);
        var parts = spec.Split(':');
        if (parts.Length < 2 || parts[0].Length == 0)
        {
            throw Malformed(spec, "expected NAME:POLICY[:ARG]");
        }

        var (name, policy, args) = (parts[0], parts[1], parts[2..]);
        if (policy is "relative_time" or "absolute_time" && args.Length > 0)
        {
            // An ISO 8601 instant has colons of its own.
            args = [string.Join(':', args)];
        }

        return (policy, args.Length) switch
        {
            ("earliest", 0) => FromEarliest(name),
            ("latest", 0) => FromLatest(name),
            ("relative_time", 1) => FromRelativeTime(name, Time(spec, () => TimeArgument.ParseLookback(args[0]))),
            ("absolute_time", 1) => FromAbsoluteTime(name, Time(spec, () => TimeArgument.ParseInstant(args[0], clock))),
            ("start_of_day", 3) => FromStartOfDay(name, TimeOfDay(spec, args[0], args[1]), args[2]),
            ("committed", 0) => FromCommitted(name, new OffsetPolicy.Earliest()),
            ("committed", 1) when args[0] == "earliest" => FromCommitted(name, new OffsetPolicy.Earliest()),
            ("committed", 1) when args[0] == "latest" => FromCommitted(name, new OffsetPolicy.Latest()),
            ("earliest" or "latest", _) => throw Malformed(spec, $"'{policy}' takes no argument"),
            ("relative_time", _) => throw Malformed(spec, $"expected {name}:relative_time:LOOKBACK, the look-back as {TimeArgument.LookbackForms}"),
            ("absolute_time", _) => throw Malformed(spec, $"expected {name}:absolute_time:TIME, the time as {TimeArgument.InstantForms}"),
            ("start_of_day", _) => throw Malformed(spec, $"expected {name}:start_of_day:HH:MM:ZONE, for example {name}:start_of_day:08:00:Europe/London"),
            ("committed", _) => throw Malformed(spec, $"expected {name}:committed or {name}:committed:earliest|latest"),
            _ => throw Malformed(spec, $"unknown policy '{policy}'; expected earliest, latest, relative_time, absolute_time, start_of_day or committed"),
        };
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (naming the topic) if the name breaks Kafka's rules
    /// (1-249 characters of <c>[a-zA-Z0-9._-]</c>, not <c>.</c> or <c>..</c>) or the policy cannot be resolved.
    /// </summary>
    public void Validate()
    {
        ValidateName(Name);
        if (Policy is null)
        {
            throw new ArgumentNullException(nameof(Policy), $"Topic '{Name}' has no offset policy.");
        }

        Policy.Validate(Name);
    }

    private static FormatException Malformed(string spec, string why) => new($"Topic spec '{spec}': {why}.");

    private static T Time<T>(string spec, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw Malformed(spec, e.Message.TrimEnd('.'));
        }
    }

    private static TimeOnly TimeOfDay(string spec, string hours, string minutes) =>
        int.TryParse(hours, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h) && h is >= 0 and < 24
        && int.TryParse(minutes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) && m is >= 0 and < 60
            ? new TimeOnly(h, m)
            : throw Malformed(spec, $"'{hours}:{minutes}' is not a time of day between 00:00 and 23:59");

    private static SourceTopic Create(string name, OffsetPolicy policy)
    {
        var topic = new SourceTopic(name, policy);
        topic.Validate();
        return topic;
    }

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("A topic name must not be empty.", nameof(name));
        }

        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"Topic name '{name[..20]}...' is {name.Length} characters long; Kafka allows at most {MaxNameLength}.", nameof(name));
        }

        if (TopicNameRules.IsReserved(name))
        {
            throw new ArgumentException($"'{name}' is not a legal topic name.", nameof(name));
        }

        var illegal = TopicNameRules.IndexOfIllegalChar(name);
        if (illegal >= 0)
        {
            throw new ArgumentException($"Topic name '{name}' contains '{name[illegal]}' at position {illegal}; only [a-zA-Z0-9._-] are allowed.", nameof(name));
        }
    }
}
