using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedKafka.Testing;

/// <summary>
/// An in-process Schema Registry on 127.0.0.1 (a random free port) for tests and samples: the part
/// of Confluent's REST API its clients and serializers use — register a schema under a subject, get
/// a schema by id, a subject's versions, a version or the latest, and look a schema up in a subject.
/// Compatibility checks, deletes, modes and contexts are left out: every registration is accepted.
/// Schemas live in memory until disposed. Thread-safe.
/// </summary>
public sealed class LocalSchemaRegistry : IDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";

    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly Lock _gate = new();

    // Ids are global (one per distinct schema), versions per subject, as in Confluent's registry.
    private readonly List<StoredSchema> _schemas = [];
    private readonly Dictionary<string, List<int>> _subjects = new(StringComparer.Ordinal);
    private int _requestCount;

    /// <summary>Starts the registry; <see cref="Url"/> says where.</summary>
    public LocalSchemaRegistry()
    {
        // HttpListener takes a fixed port: take one the system had free, and try again if it was taken in between.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Url = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }

        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The registry's base URL, for <c>schema.registry.url</c> (Confluent's <c>SchemaRegistryConfig.Url</c>).</summary>
    public string Url { get; }

    /// <summary>Requests served so far, for tests that check a client's caching.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/>, as a client's POST would,
    /// and returns its id; a schema already in the subject keeps its id and version.
    /// </summary>
    /// <param name="subject">The subject, for example <c>orders-value</c>.</param>
    /// <param name="schema">The schema text: Avro JSON, a .proto file, or a JSON schema.</param>
    /// <param name="schemaType"><c>AVRO</c> (the default), <c>PROTOBUF</c> or <c>JSON</c>.</param>
    public int Register(string subject, string schema, string schemaType = "AVRO")
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(schema);
        ArgumentException.ThrowIfNullOrEmpty(schemaType);
        return Store(subject, schema, schemaType.ToUpperInvariant()).Id;
    }

    /// <summary>Stops serving; requests in flight fail.</summary>
    public void Dispose()
    {
        if (_listener.IsListening)
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends by its listener being closed under it.
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requestCount);
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var (status, body) = Route(context.Request);
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            response.StatusCode = status;
            response.ContentType = ContentType;
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away or the registry is stopping: nobody is left to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
            }
        }
    }

    private (int Status, JsonNode Body) Route(HttpListenerRequest request)
    {
        // Subjects may hold characters that need escaping (a topic's dots do not, contexts' colons do).
        var segments = request.Url!.AbsolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var method = request.HttpMethod;
        try
        {
            return (method, segments) switch
            {
                ("GET", ["schemas", "ids", var id]) => SchemaById(id),
                ("GET", ["schemas", "ids", var id, "schema"]) => RawSchemaById(id),
                ("GET", ["schemas", "types"]) => (200, new JsonArray("AVRO", "PROTOBUF", "JSON")),
                ("GET", ["subjects"]) => (200, Subjects()),
                ("GET", ["subjects", var subject, "versions"]) => Versions(subject),
                ("GET", ["subjects", var subject, "versions", var version]) => Version(subject, version),
                ("GET", ["subjects", var subject, "versions", var version, "schema"]) => RawVersion(subject, version),
                ("POST", ["subjects", var subject, "versions"]) => RegisterRequest(subject, ReadBody(request)),
                ("POST", ["subjects", var subject]) => Lookup(subject, ReadBody(request)),
                ("GET", ["config"]) or ("GET", ["config", _]) => (200, new JsonObject { ["compatibilityLevel"] = "NONE" }),
                _ => Error(404, 404, $"No such endpoint here: {method} {request.Url.AbsolutePath} (LocalSchemaRegistry serves a subset of the REST API)."),
            };
        }
        catch (JsonException e)
        {
            return Error(400, 400, "The request body is not the JSON expected: " + e.Message);
        }
    }

    private static JsonObject ReadBody(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return JsonNode.Parse(reader.ReadToEnd()) as JsonObject ?? throw new JsonException("expected an object");
    }

    private (int, JsonNode) RegisterRequest(string subject, JsonObject body)
    {
        if (!TryReadSchema(body, out var schema, out var type, out var error))
        {
            return error;
        }

        var stored = Store(subject, schema, type);
        return (200, new JsonObject { ["id"] = stored.Id });
    }

    private (int, JsonNode) Lookup(string subject, JsonObject body)
    {
        if (!TryReadSchema(body, out var schema, out var type, out var error))
        {
            return error;
        }

        lock (_gate)
        {
            if (!_subjects.TryGetValue(subject, out var ids))
            {
                return SubjectNotFound(subject);
            }

            var version = ids.FindIndex(id => _schemas[id - 1].Matches(schema, type));
            return version < 0
                ? Error(404, 40403, "Schema not found.")
                : (200, VersionBody(subject, version + 1, _schemas[ids[version] - 1]));
        }
    }

    private static bool TryReadSchema(JsonObject body, out string schema, out string type, out (int, JsonNode) error)
    {
        schema = body["schema"]?.GetValue<string>() ?? string.Empty;
        type = (body["schemaType"]?.GetValue<string>() ?? "AVRO").ToUpperInvariant();
        error = default;
        if (schema.Length == 0)
        {
            error = Error(422, 42201, "Empty schema.");
            return false;
        }

        if (type is not ("AVRO" or "PROTOBUF" or "JSON"))
        {
            error = Error(422, 42201, $"Unknown schema type '{type}'.");
            return false;
        }

        if (body["references"] is JsonArray { Count: > 0 })
        {
            error = Error(422, 42201, "Schema references are not supported by LocalSchemaRegistry.");
            return false;
        }

        if (type is "AVRO" or "JSON")
        {
            try
            {
                using var parsed = JsonDocument.Parse(schema);
            }
            catch (JsonException e)
            {
                error = Error(422, 42201, $"Invalid {type} schema: {e.Message}");
                return false;
            }
        }

        return true;
    }

    private StoredSchema Store(string subject, string schema, string type)
    {
        lock (_gate)
        {
            var stored = _schemas.Find(s => s.Matches(schema, type));
            if (stored is null)
            {
                stored = new StoredSchema(_schemas.Count + 1, schema, type);
                _schemas.Add(stored);
            }

            if (!_subjects.TryGetValue(subject, out var ids))
            {
                _subjects[subject] = ids = [];
            }

            if (!ids.Contains(stored.Id))
            {
                ids.Add(stored.Id);
            }

            return stored;
        }
    }

    private (int, JsonNode) SchemaById(string text)
    {
        if (!TryFindSchema(text, out var stored, out var error))
        {
            return error;
        }

        var body = new JsonObject { ["schema"] = stored.Schema };
        if (stored.Type != "AVRO")
        {
            body["schemaType"] = stored.Type;
        }

        return (200, body);
    }

    private (int, JsonNode) RawSchemaById(string text) =>
        TryFindSchema(text, out var stored, out var error) ? (200, RawSchema(stored)) : error;

    private bool TryFindSchema(string text, out StoredSchema stored, out (int, JsonNode) error)
    {
        lock (_gate)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1 && id <= _schemas.Count)
            {
                stored = _schemas[id - 1];
                error = default;
                return true;
            }
        }

        stored = null!;
        error = Error(404, 40403, "Schema not found.");
        return false;
    }

    private JsonArray Subjects()
    {
        lock (_gate)
        {
            return [.. _subjects.Keys.Order(StringComparer.Ordinal).Select(s => (JsonNode)s)];
        }
    }

    private (int, JsonNode) Versions(string subject)
    {
        lock (_gate)
        {
            return _subjects.TryGetValue(subject, out var ids)
                ? (200, new JsonArray([.. Enumerable.Range(1, ids.Count).Select(v => (JsonNode)v)]))
                : SubjectNotFound(subject);
        }
    }

    private (int, JsonNode) Version(string subject, string version)
    {
        lock (_gate)
        {
            if (!_subjects.TryGetValue(subject, out var ids))
            {
                return SubjectNotFound(subject);
            }

            var number = ParseVersion(version, ids.Count);
            return number is null ? Error(404, 40402, "Version not found.") : (200, VersionBody(subject, number.Value, _schemas[ids[number.Value - 1] - 1]));
        }
    }

    private (int, JsonNode) RawVersion(string subject, string version)
    {
        var (status, body) = Version(subject, version);
        return status == 200 ? (200, JsonNode.Parse(body["schema"]!.GetValue<string>())!) : (status, body);
    }

    private static JsonNode RawSchema(StoredSchema stored) =>
        stored.Type == "PROTOBUF" ? JsonValue.Create(stored.Schema) : JsonNode.Parse(stored.Schema)!;

    /// <summary>1-based; "latest" and -1 are the newest.</summary>
    private static int? ParseVersion(string text, int count)
    {
        if (text == "latest" || text == "-1")
        {
            return count;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= count ? v : null;
    }

    private static JsonObject VersionBody(string subject, int version, StoredSchema stored)
    {
        var body = new JsonObject
        {
            ["subject"] = subject,
            ["version"] = version,
            ["id"] = stored.Id,
            ["schema"] = stored.Schema,
            ["references"] = new JsonArray(),
        };
        if (stored.Type != "AVRO")
        {
            body["schemaType"] = stored.Type;
        }

        return body;
    }

    private static (int, JsonNode) SubjectNotFound(string subject) => Error(404, 40401, $"Subject '{subject}' not found.");

    private static (int, JsonNode) Error(int status, int code, string message) =>
        (status, new JsonObject { ["error_code"] = code, ["message"] = message });

    private sealed record StoredSchema(int Id, string Schema, string Type)
    {
        public bool Matches(string schema, string type) => Type == type && Normalized(Schema) == Normalized(schema);

        // Whitespace between JSON tokens does not make a new schema; a .proto file is compared as written.
        private static string Normalized(string schema)
        {
            try
            {
                return JsonNode.Parse(schema)!.ToJsonString();
            }
            catch (JsonException)
            {
                return schema;
            }
        }
    }
}
