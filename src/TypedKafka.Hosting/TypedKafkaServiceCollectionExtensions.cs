using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TypedKafka.Hosting;
using TypedKafka.Hosting.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TypedKafka consumers with a generic host.</summary>
public static class TypedKafkaServiceCollectionExtensions
{
    /// <summary>
    /// Adds TypedKafka, configured from <paramref name="configuration"/> (usually the <c>TypedKafka</c> section);
    /// add consumers on the returned builder. Consumers start with the host and stop with it.
    /// </summary>
    public static TypedKafkaBuilder AddTypedKafka(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<ConsumerRegistry>();
        services.TryAddSingleton<TypedKafkaMetrics>();
        services.AddHealthChecks();
        return new TypedKafkaBuilder(services, configuration);
    }
}
