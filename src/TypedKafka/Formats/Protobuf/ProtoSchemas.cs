extern alias ProtoNet;

using Confluent.SchemaRegistry;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ProtoNetSet = ProtoNet::Google.Protobuf.Reflection.FileDescriptorSet;

namespace TypedKafka.Formats.Protobuf;

/// <summary>
/// A registry's .proto text made into Google.Protobuf descriptors: protobuf-net.Reflection parses
/// the text into a FileDescriptorProto, whose bytes Google.Protobuf builds a FileDescriptor from.
/// </summary>
internal static class ProtoSchemas
{
    /// <summary>The file described by <paramref name="protoText"/>; imports are not resolved (schema references are not supported).</summary>
    /// <exception cref="FormatException">The text does not parse, naming the line and the problem.</exception>
    public static FileDescriptor Parse(string protoText)
    {
        var set = new ProtoNetSet();
        set.Add("schema.proto", includeInOutput: true, new StringReader(protoText));
        set.Process();
        var errors = set.GetErrors().Where(e => e.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new FormatException(string.Join("; ", errors.Select(e => $"line {e.LineNumber}: {e.Message}")));
        }

        if (set.Files[0].Dependencies.Count > 0)
        {
            throw new FormatException($"it imports {string.Join(", ", set.Files[0].Dependencies)}; schema references are not supported");
        }

        using var bytes = new MemoryStream();
        ProtoBuf.Serializer.Serialize(bytes, set.Files[0]);
        return FileDescriptor.BuildFromByteStrings([ByteString.CopyFrom(bytes.ToArray())])[0];
    }

    /// <summary>The message that Confluent's message indexes point at: an index among the file's top-level messages, then among nested ones.</summary>
    public static MessageDescriptor? Find(FileDescriptor file, ReadOnlySpan<int> indexes)
    {
        if (indexes.IsEmpty || (uint)indexes[0] >= (uint)file.MessageTypes.Count)
        {
            return null;
        }

        var message = file.MessageTypes[indexes[0]];
        foreach (var index in indexes[1..])
        {
            if ((uint)index >= (uint)message.NestedTypes.Count)
            {
                return null;
            }

            message = message.NestedTypes[index];
        }

        return message;
    }

    /// <summary>The message indexes of <paramref name="message"/> within its file, as a writer would frame them.</summary>
    public static int[] IndexesOf(MessageDescriptor message)
    {
        var path = new List<int>();
        for (var current = message; current is not null; current = current.ContainingType)
        {
            var siblings = current.ContainingType?.NestedTypes ?? current.File.MessageTypes;
            path.Insert(0, siblings.IndexOf(current));
        }

        return [.. path];
    }

    /// <summary>
    /// Reads the message indexes of Confluent's framing (a zig-zag varint count, then the indexes; a
    /// count of 0 means the file's first message, [0]) into <paramref name="buffer"/>.
    /// </summary>
    public static ReadOnlySpan<int> ReadMessageIndexes(ref ProtoWire input, ref int[] buffer)
    {
        var count = ZigZag(input.ReadVarint());
        var indexCount = count == 0 ? 1 : count;
        if (indexCount is < 0 or > 64)
        {
            throw new PayloadFormatException($"not in Confluent's Protobuf wire format: {count} message indexes");
        }

        if (buffer.Length < indexCount)
        {
            buffer = new int[indexCount];
        }

        buffer[0] = 0;
        for (var i = 0; i < count; i++)
        {
            buffer[i] = ZigZag(input.ReadVarint());
        }

        return buffer.AsSpan(0, indexCount);
    }

    /// <summary>
    /// The writer's .proto file of schema id <paramref name="id"/>, or why its rows cannot be read
    /// (an id the registry lacks, another schema type, a file that does not parse).
    /// </summary>
    /// <exception cref="InvalidOperationException">The registry could not be asked: not the row's fault, so not a bad row.</exception>
    public static (FileDescriptor? File, string? Failure) FetchWriter(ISchemaRegistryClient registry, int id)
    {
        Confluent.SchemaRegistry.Schema schema;
        try
        {
            schema = registry.GetSchemaAsync(id).GetAwaiter().GetResult();
        }
        catch (SchemaRegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return (null, $"schema id {id} is not in the schema registry");
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"Fetching Protobuf schema id {id} from the schema registry failed: {e.Message}", e);
        }

        if (schema.SchemaType != SchemaType.Protobuf)
        {
            return (null, $"schema id {id} is a {schema.SchemaType} schema, not Protobuf");
        }

        try
        {
            return (Parse(schema.SchemaString), null);
        }
        catch (FormatException e)
        {
            return (null, $"schema id {id} is not a .proto file this reader can use: {e.Message}");
        }
    }

    private static int ZigZag(ulong value) => (int)(value >> 1) ^ -(int)(value & 1);
}
