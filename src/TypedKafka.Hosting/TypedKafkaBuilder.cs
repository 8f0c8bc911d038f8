using Apache.Arrow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedKafka.Hosting.Runtime;

namespace TypedKafka.Hosting;

/// <summary>Adds consumers to the host; returned by <c>AddTypedKafka</c>.</summary>
public sealed class TypedKafkaBuilder
{
    private readonly IConfiguration _configuration;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    internal TypedKafkaBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        _configuration = configuration;
    }

    /// <summary>The services the consumers are registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a consumer of <typeparamref name="T"/> messages configured from <c>Consumers:<paramref name="name"/></c>,
    /// whose batches go to <typeparamref name="THandler"/> (resolved once, from a scope that lives as long as the consumer).
    /// It has a health check named <c>typedkafka:<paramref name="name"/></c> and metrics tagged with the name.
    /// </summary>
    public TypedKafkaBuilder AddConsumer<T, THandler>(string name)
        where T : IArrowMessage<T>
        where THandler : class, IBatchHandler<T> =>
        Add<THandler>(name, windowed: false, (_, options, handler) => new BatchSession<TypedBatch<T>>(ConsumerSources.Typed<T>(options), handler.HandleAsync));

    /// <summary>
    /// Adds a consumer of raw <see cref="Schemas.Message"/> batches configured from <c>Consumers:<paramref name="name"/></c>,
    /// whose batches go to <typeparamref name="THandler"/>.
    /// </summary>
    public TypedKafkaBuilder AddConsumer<THandler>(string name)
        where THandler : class, IBatchHandler =>
        Add<THandler>(name, windowed: false, (_, options, handler) => new BatchSession<RecordBatch>(ConsumerSources.Raw(options), handler.HandleAsync));

    /// <summary>
    /// Adds a consumer of <typeparamref name="T"/> messages configured from <c>Consumers:<paramref name="name"/></c>
    /// that cuts them into tumbling event-time windows (<c>Consumers:<paramref name="name"/>:Window</c>) and hands
    /// each closed window to <typeparamref name="THandler"/>. With <c>CommitHandled</c>, offsets are committed
    /// window by window, once the handler has completed. The clock that closes quiet windows is the
    /// <see cref="TimeProvider"/> registered in the services, if any, else the system clock.
    /// </summary>
    public TypedKafkaBuilder AddWindowedConsumer<T, THandler>(string name)
        where T : IArrowMessage<T>
        where THandler : class, IWindowHandler<T> =>
        Add<THandler>(name, windowed: true, (services, options, handler) => WindowedSessions.Typed<T>(options, handler, Clock(services)));

    /// <summary>
    /// Adds a consumer of raw <see cref="Schemas.Message"/> rows configured from <c>Consumers:<paramref name="name"/></c>
    /// whose tumbling event-time windows go to <typeparamref name="THandler"/>; see <see cref="AddWindowedConsumer{T, THandler}(string)"/>.
    /// </summary>
    public TypedKafkaBuilder AddWindowedConsumer<THandler>(string name)
        where THandler : class, IWindowHandler =>
        Add<THandler>(name, windowed: true, (services, options, handler) => WindowedSessions.Raw(options, handler, Clock(services)));

    private static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <param name="name">The consumer's name.</param>
    /// <param name="windowed">Whether it cuts windows (its options must have one).</param>
    /// <param name="open">Opens the session: from the host's services, the consumer's options and its handler, resolved from the consumer's scope.</param>
    private TypedKafkaBuilder Add<THandler>(string name, bool windowed, Func<IServiceProvider, TypedKafkaConsumerOptions, THandler, IConsumerSession> open)
        where THandler : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"A TypedKafka consumer named '{name}' is already registered.", nameof(name));
        }

        var section = _configuration.GetSection("Consumers").GetSection(name);
        Services.AddOptions<TypedKafkaConsumerOptions>(name)
            .Configure(options => BindDefaults(_configuration, options))
            .Bind(section)
            // The client's name in broker logs and quotas, and in the consumer's messaging.client.id ("<name>#consumer-<n>").
            .PostConfigure(options => options.Kafka.TryAdd("client.id", name))
            .ValidateOnStart();
        Services.AddSingleton<IValidateOptions<TypedKafkaConsumerOptions>>(new ConsumerOptionsValidator(name, section.Path, (_configuration as IConfigurationSection)?.Path ?? "TypedKafka", windowed));
        Services.TryAddTransient<THandler>();

        // Instances is read here, before validation, because each instance is a hosted service of its own;
        // a value that is not a count registers one, and the validator names the key at start.
        var instances = int.TryParse(section["Instances"], System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 1 ? count : 1;
        for (var i = 0; i < instances; i++)
        {
            var instance = instances == 1 ? name : $"{name}#{i}";
            Services.AddSingleton<IHostedService>(sp => new ConsumerService(
                instance,
                sp.GetRequiredService<IOptionsMonitor<TypedKafkaConsumerOptions>>().Get(name),
                sp.GetRequiredService<IServiceScopeFactory>(),
                (scope, options) => open(sp, options with { ClientLogger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"TypedKafka.Client.{name}") }, scope.GetRequiredService<THandler>()),
                sp.GetRequiredService<ConsumerRegistry>().Register(instance),
                sp.GetRequiredService<ConsumerRegistry>(),
                sp.GetRequiredService<TypedKafkaMetrics>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger($"TypedKafka.Hosting.Consumer.{name}")));
            Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"typedkafka:{instance}",
                sp => new ConsumerHealthCheck(sp.GetRequiredService<ConsumerRegistry>().Register(instance)),
                failureStatus: HealthStatus.Unhealthy,
                tags: ["typedkafka"]));
        }

        return this;
    }

    private static void BindDefaults(IConfiguration root, TypedKafkaConsumerOptions options)
    {
        options.BootstrapServers = root["BootstrapServers"];
        foreach (var setting in root.GetSection("Kafka").GetChildren())
        {
            if (setting.Value is not null)
            {
                options.Kafka[setting.Key] = setting.Value;
            }
        }
    }
}
