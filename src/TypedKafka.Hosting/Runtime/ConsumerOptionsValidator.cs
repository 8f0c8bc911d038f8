using System.Globalization;
using Microsoft.Extensions.Options;
using TypedKafka.Windows;

namespace TypedKafka.Hosting.Runtime;

/// <summary>Checks one consumer's options at host start; every error begins with the configuration key at fault.</summary>
internal sealed class ConsumerOptionsValidator(string name, string path, string rootPath, bool windowed) : IValidateOptions<TypedKafkaConsumerOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, TypedKafkaConsumerOptions options)
    {
        if (!string.Equals(optionsName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        var settings = ConsumerSources.Settings(options);
        if (!settings.TryGetValue("bootstrap.servers", out var servers) || string.IsNullOrWhiteSpace(servers))
        {
            errors.Add($"{path}:BootstrapServers: required (or {rootPath}:BootstrapServers, or Kafka:bootstrap.servers).");
        }

        var topics = new List<SourceTopic>();
        if (options.Topics.Count == 0)
        {
            errors.Add($"{path}:Topics: at least one topic is required, as NAME:POLICY[:ARG], for example trades:earliest.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Topics.Count; i++)
        {
            try
            {
                var topic = SourceTopic.Parse(options.Topics[i] ?? string.Empty);
                topics.Add(topic);
                if (!seen.Add(topic.Name))
                {
                    errors.Add($"{path}:Topics:{i}: topic '{topic.Name}' is listed twice.");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                errors.Add($"{path}:Topics:{i}: {e.Message}");
            }
        }

        Positive(errors, options.BatchSize, "BatchSize");
        Positive(errors, options.MaxHeldMessages, "MaxHeldMessages");
        Positive(errors, options.MaxHeldBytes, "MaxHeldBytes");
        if (options.PollTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}:PollTimeout: must be positive, was {options.PollTimeout}.");
        }

        if (options.Cutoff is { } cutoff && cutoff.ToUnixTimeMilliseconds() < 0)
        {
            errors.Add($"{path}:Cutoff: must not be before 1970-01-01, was {cutoff:O}.");
        }

        if (options.Until is { } until)
        {
            try
            {
                TimeArgument.ParseUntil(until);
            }
            catch (FormatException e)
            {
                errors.Add($"{path}:Until: expected 'end' or a time; {e.Message}");
            }
        }

        // The core's own checks, so that each rule has one source; the error names the hosting key.
        CoreCheck(errors, path, "LiveHold", options.LiveHold, hold => LiveOrdering.Hold(hold));
        CoreCheck(errors, path, "IdleTimeout", options.IdleTimeout, idle => new ConsumerOptions { IdleTimeout = idle }.Validate());
        CoreCheck(errors, path, "MaxOutOfOrderness", (TimeSpan?)options.MaxOutOfOrderness, window => new ConsumerOptions { MaxOutOfOrderness = window }.Validate());
        CoreCheck(errors, path, "Speed", options.Speed, speed => ReplayPace.Recorded(speed));

        var onError = options.OnHandlerError;
        if (!Enum.IsDefined(onError.Policy))
        {
            errors.Add($"{path}:OnHandlerError:Policy: expected StopHost or Retry.");
        }

        Positive(errors, onError.MaxAttempts, "OnHandlerError:MaxAttempts");
        if (onError.InitialDelay < TimeSpan.Zero)
        {
            errors.Add($"{path}:OnHandlerError:InitialDelay: must not be negative, was {onError.InitialDelay}.");
        }

        if (onError.MaxDelay < onError.InitialDelay)
        {
            errors.Add($"{path}:OnHandlerError:MaxDelay: must not be shorter than InitialDelay, was {onError.MaxDelay}.");
        }

        ValidateWindow(errors, options.Window);
        ValidateGroup(errors, options, settings);
        var needsGroup = options.CommitHandled || topics.Any(t => t.Policy is OffsetPolicy.Committed);
        if (needsGroup && options.ConsumerGroup is null && (!settings.TryGetValue("group.id", out var group) || string.IsNullOrWhiteSpace(group)))
        {
            errors.Add($"{path}:Kafka:group.id: a fixed consumer group is required by CommitHandled or a NAME:committed topic.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateGroup(List<string> errors, TypedKafkaConsumerOptions options, Dictionary<string, string> settings)
    {
        if (options.Instances < 1)
        {
            errors.Add($"{path}:Instances: must be 1 or more, was {options.Instances}.");
        }
        else if (options.Instances > 1 && options.ConsumerGroup is null)
        {
            errors.Add($"{path}:Instances: {options.Instances} instances without {path}:ConsumerGroup would each read every partition; set ConsumerGroup to share the partitions, or Instances to 1.");
        }

        if (options.ConsumerGroup is not { } consumerGroup)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(consumerGroup))
        {
            errors.Add($"{path}:ConsumerGroup: is empty; name a group, or remove the key to read every partition.");
        }
        else if (settings.TryGetValue("group.id", out var groupId) && !string.Equals(groupId, consumerGroup, StringComparison.Ordinal))
        {
            errors.Add($"{path}:Kafka:group.id: '{groupId}' differs from {path}:ConsumerGroup '{consumerGroup}'; remove group.id.");
        }
    }

    private void ValidateWindow(List<string> errors, TypedKafkaWindowOptions? window)
    {
        if (!windowed)
        {
            if (window is not null)
            {
                errors.Add($"{path}:Window: only consumers added with AddWindowedConsumer cut windows; remove the section or add the consumer with AddWindowedConsumer.");
            }

            return;
        }

        if (window is null || window.Length == TimeSpan.Zero)
        {
            errors.Add($"{path}:Window:Length: required for a windowed consumer, for example 00:01:00.");
        }
        else if (!TumblingWindowOptions.IsValidLength(window.Length))
        {
            errors.Add($"{path}:Window:Length: must be a whole number of milliseconds, at least one, was {window.Length}.");
        }

        if (window is null)
        {
            return;
        }

        if (window.Grace < TimeSpan.Zero)
        {
            errors.Add($"{path}:Window:Grace: must not be negative, was {window.Grace}.");
        }

        if (!Enum.IsDefined(window.LatePolicy))
        {
            errors.Add($"{path}:Window:LatePolicy: expected NextOpenWindow or Throw.");
        }
    }

    private void Positive(List<string> errors, long value, string key)
    {
        if (value <= 0)
        {
            errors.Add($"{path}:{key}: must be positive, was {value}.");
        }
    }

    private static void CoreCheck<T>(List<string> errors, string path, string key, T? value, Action<T> check)
        where T : struct
    {
        if (value is not { } given)
        {
            return;
        }

        try
        {
            check(given);
        }
        catch (ArgumentException e)
        {
            // The core's sentence without the core's parameter name, which the hosting key replaces.
            var message = e.Message.Split(" (Parameter '", 2)[0].TrimEnd('.');
            message = e.ParamName is { } name && message.StartsWith(name + " ", StringComparison.Ordinal) ? message[(name.Length + 1)..] : message;
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{key}: {message}, was {given}."));
        }
    }
}
