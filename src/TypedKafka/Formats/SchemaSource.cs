using Confluent.SchemaRegistry;

namespace TypedKafka.Formats;

/// <summary>Which registry schema is the reader schema: a subject's latest version, or a given id.</summary>
internal sealed record SchemaSource(string? Subject, int? Id)
{
    /// <summary>The reader schema's id, text and type, asked of the registry once, when the consumer is created.</summary>
    public (int Id, string Text, SchemaType Type) Fetch(ISchemaRegistryClient registry)
    {
        try
        {
            if (Id is { } id)
            {
                var schema = registry.GetSchemaAsync(id).GetAwaiter().GetResult();
                return (id, schema.SchemaString, schema.SchemaType);
            }

            var latest = registry.GetLatestSchemaAsync(Subject!).GetAwaiter().GetResult();
            return (latest.Id, latest.SchemaString, latest.SchemaType);
        }
        catch (SchemaRegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            throw new ArgumentException($"The schema registry has no {this}.", e);
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"Fetching {this} from the schema registry failed: {e.Message}", e);
        }
    }

    public override string ToString() => Id is { } id ? $"schema id {id}" : $"subject '{Subject}'";
}
