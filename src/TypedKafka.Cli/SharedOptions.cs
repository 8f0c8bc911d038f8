using System.CommandLine;
using System.CommandLine.Parsing;

namespace TypedKafka.Cli;

/// <summary>
/// The options every command that reads from a cluster spells the same way: the cluster
/// (<c>-b</c>, defaulting to <c>TYPEDKAFKA_BOOTSTRAP</c>), topics with their start policies,
/// <c>--until</c>, <c>--max-messages</c> and <c>--config</c>.
/// </summary>
internal static class SharedOptions
{
    public const string BootstrapVariable = "TYPEDKAFKA_BOOTSTRAP";

    /// <summary>The Schema Registry URL that --schema-registry defaults to.</summary>
    public const string SchemaRegistryVariable = "TYPEDKAFKA_SCHEMA_REGISTRY";

    /// <summary>
    /// <c>--bootstrap-servers</c> / <c>-b</c>. When absent, <paramref name="environment"/>'s
    /// <c>TYPEDKAFKA_BOOTSTRAP</c>; when both are absent, a usage error unless <paramref name="configFile"/>
    /// is given (which may set <c>bootstrap.servers</c>; <see cref="ClientConfig"/> checks that it does).
    /// </summary>
    public static Option<string?> BootstrapServers(Func<string, string?> environment, Option<string?> configFile)
    {
        var option = new Option<string?>("--bootstrap-servers", "-b")
        {
            Description = $"The cluster, HOST:PORT[,HOST:PORT...]. Default: the {BootstrapVariable} environment variable.",
            DefaultValueFactory = _ => environment(BootstrapVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null,
        };
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string?>()) && result.GetResult(configFile) is null)
            {
                result.AddError($"--bootstrap-servers (-b) is required when {BootstrapVariable} is not set: give HOST:PORT, for example -b localhost:9092.");
            }
        });
        return option;
    }

    public static Option<SourceTopic[]> Topics(string description) => new("--topic")
    {
        Description = description,
        Required = true,
        CustomParser = result => [.. result.Tokens.Select(token => ParseTopic(token.Value, result)).OfType<SourceTopic>()],
    };

    public static Option<ReplayEnd?> Until(string description) => new("--until")
    {
        Description = description,
        CustomParser = ParseUntil,
    };

    public static Option<long?> MaxMessages(string description)
    {
        var option = new Option<long?>("--max-messages") { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is <= 0)
            {
                result.AddError("--max-messages must be 1 or more.");
            }
        });
        return option;
    }

    public static Option<string[]> Config() =>
        new("--config") { Description = "A librdkafka setting, KEY=VALUE (repeatable), e.g. security.protocol=SASL_SSL. Applied after --config-file and -b." };

    public static Option<string?> ConfigFile() => new("--config-file")
    {
        Description = "A librdkafka properties file: KEY=VALUE lines, # comments (as kcat -F reads). Applied first: -b, then each --config, override it.",
    };

    /// <summary>
    /// The client settings: <paramref name="configFile"/>'s, then the cluster (<c>-b</c> or
    /// <c>TYPEDKAFKA_BOOTSTRAP</c>), then each <c>--config KEY=VALUE</c>; a later one wins.
    /// </summary>
    /// <exception cref="FormatException">A setting is not KEY=VALUE (the message names the file and line, or the --config's position,
    /// and quotes no value), the file cannot be read, or no setting names the cluster.</exception>
    public static Dictionary<string, string> ClientConfig(string? bootstrapServers, string? configFile, IEnumerable<string> settings)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        if (configFile is not null)
        {
            foreach (var (key, value) in ConfigFiles.Read(configFile))
            {
                config[key] = value;
            }
        }

        if (!string.IsNullOrWhiteSpace(bootstrapServers))
        {
            config["bootstrap.servers"] = bootstrapServers;
        }

        var position = 0;
        foreach (var setting in settings)
        {
            position++;
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Without '=' there is no key to tell a secret by (it may be "sasl.password hunter2"): name it by position, quote nothing.
                throw new FormatException($"--config number {position} is not KEY=VALUE (no '=', or nothing before it).");
            }

            config[setting[..equals]] = setting[(equals + 1)..];
        }

        if (!config.TryGetValue("bootstrap.servers", out var servers) || string.IsNullOrWhiteSpace(servers))
        {
            throw new FormatException($"--config-file '{configFile}' sets no bootstrap.servers, and neither -b nor {BootstrapVariable} is given: name the cluster in one of them.");
        }

        return config;
    }

    public static SourceTopic? ParseTopic(string spec, ArgumentResult result)
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

    /// <summary>An instant in any form of <see cref="TimeArgument.ParseInstant"/>; a bad one is a usage error naming <paramref name="option"/>.</summary>
    public static DateTimeOffset? ParseInstant(ArgumentResult result, string option) => Parse(result, option, text => TimeArgument.ParseInstant(text));

    public static ReplayEnd? ParseUntil(ArgumentResult result) => Parse(result, "--until", text => TimeArgument.ParseUntil(text));

    private static T? Parse<T>(ArgumentResult result, string option, Func<string, T> parse)
    {
        var text = result.Tokens.Single().Value;
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            result.AddError($"{option} {e.Message}");
            return default;
        }
    }
}
