using System.Net;
using System.Text;
using Confluent.SchemaRegistry;

namespace TypedKafka.Testing.Tests;

/// <summary>LocalSchemaRegistry answers Confluent's own registry client as a real registry would.</summary>
public sealed class LocalSchemaRegistryTests : IDisposable
{
    private const string ReadingV1 = """{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"}]}""";
    private const string ReadingV2 = """{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"},{"name":"unit","type":"string","default":"C"}]}""";

    private readonly LocalSchemaRegistry _registry = new();
    private readonly CachedSchemaRegistryClient _client;

    public LocalSchemaRegistryTests() => _client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _registry.Url });

    public void Dispose()
    {
        _client.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public void It_listens_on_loopback_at_a_port_of_its_own()
    {
        using var other = new LocalSchemaRegistry();
        Assert.StartsWith("http://127.0.0.1:", _registry.Url, StringComparison.Ordinal);
        Assert.NotEqual(_registry.Url, other.Url);
    }

    [Fact]
    public async Task Registering_gives_ids_and_versions_that_the_client_reads_back()
    {
        var first = await _client.RegisterSchemaAsync("readings-value", new Schema(ReadingV1, SchemaType.Avro));
        var second = await _client.RegisterSchemaAsync("readings-value", new Schema(ReadingV2, SchemaType.Avro));
        var again = await _client.RegisterSchemaAsync("readings-value", new Schema(ReadingV1, SchemaType.Avro));

        Assert.NotEqual(first, second);
        Assert.Equal(first, again);
        Assert.Equal(ReadingV2, (await _client.GetSchemaAsync(second)).SchemaString);
        Assert.Equal([1, 2], await _client.GetSubjectVersionsAsync("readings-value"));
        var latest = await _client.GetLatestSchemaAsync("readings-value");
        Assert.Equal((second, 2, "readings-value"), (latest.Id, latest.Version, latest.Subject));
        var v1 = await _client.GetRegisteredSchemaAsync("readings-value", 1, ignoreDeletedSchemas: true);
        Assert.Equal(first, v1.Id);
        Assert.Equal(["readings-value"], await _client.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task The_same_schema_under_two_subjects_has_one_id()
    {
        var a = await _client.RegisterSchemaAsync("a-value", new Schema(ReadingV1, SchemaType.Avro));
        var b = await _client.RegisterSchemaAsync("b-value", new Schema(ReadingV1, SchemaType.Avro));
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Lookup_finds_a_registered_schema_and_refuses_an_unknown_one()
    {
        var id = await _client.RegisterSchemaAsync("readings-value", new Schema(ReadingV1, SchemaType.Avro));
        var found = await _client.LookupSchemaAsync("readings-value", new Schema(ReadingV1, SchemaType.Avro), ignoreDeletedSchemas: true);
        Assert.Equal((id, 1), (found.Id, found.Version));

        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.LookupSchemaAsync("readings-value", new Schema(ReadingV2, SchemaType.Avro), ignoreDeletedSchemas: true));
        Assert.Equal((HttpStatusCode.NotFound, 40403), (missing.Status, missing.ErrorCode));
    }

    [Fact]
    public async Task Unknown_ids_subjects_and_versions_get_the_registry_error_codes()
    {
        var id = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.GetSchemaAsync(999));
        Assert.Equal((HttpStatusCode.NotFound, 40403), (id.Status, id.ErrorCode));
        var subject = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.GetLatestSchemaAsync("nobody-value"));
        Assert.Equal((HttpStatusCode.NotFound, 40401), (subject.Status, subject.ErrorCode));
        await _client.RegisterSchemaAsync("readings-value", new Schema(ReadingV1, SchemaType.Avro));
        var version = await Assert.ThrowsAsync<SchemaRegistryException>(() => _client.GetRegisteredSchemaAsync("readings-value", 7, ignoreDeletedSchemas: true));
        Assert.Equal((HttpStatusCode.NotFound, 40402), (version.Status, version.ErrorCode));
    }

    [Fact]
    public async Task Protobuf_schemas_keep_their_type()
    {
        const string proto = "syntax = \"proto3\";\nmessage Reading { string sensor = 1; }\n";
        var id = _registry.Register("readings-value", proto, "PROTOBUF");
        var schema = await _client.GetSchemaAsync(id);
        Assert.Equal((SchemaType.Protobuf, proto), (schema.SchemaType, schema.SchemaString));
    }

    [Fact]
    public async Task An_invalid_avro_schema_is_refused_with_42201()
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(
            $"{_registry.Url}/subjects/x-value/versions",
            new StringContent("""{"schema":"{not json"}""", Encoding.UTF8, "application/vnd.schemaregistry.v1+json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("42201", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
