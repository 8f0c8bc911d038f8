using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TypedKafka.Testing.Native;

/// <summary>
/// Points this assembly's P/Invoke declarations at the librdkafka file that Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// librdkafka.redist ships several builds side by side (on Linux: <c>librdkafka.so</c>, which needs
/// <c>libsasl2.so.3</c>, and <c>centos8-librdkafka.so</c> / <c>alpine-librdkafka.so</c>), and
/// Confluent.Kafka falls back between them at run time. The default probe would pick by name and could
/// bind a different build, or fail, so the path is taken from the modules the process has mapped after
/// Confluent.Kafka has loaded its choice.
/// </remarks>
internal static class NativeLibraryBinding
{
    // Only one resolver may be registered per assembly, and a failure to bind is not going to heal,
    // so the outcome (handle or exception) is computed once.
    private static readonly Lazy<nint> s_library = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static void EnsureBound() => _ = s_library.Value;

    internal static string? LoadedPath { get; private set; }

    private static nint Bind()
    {
        try
        {
            _ = Confluent.Kafka.Library.Version;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "LocalKafkaCluster could not start: Confluent.Kafka failed to load its native librdkafka library " +
                "(from the librdkafka.redist package). " + e.Message, e);
        }

        string path = FindLoadedLibrary() ?? throw new InvalidOperationException(
            "LocalKafkaCluster could not start: Confluent.Kafka reports librdkafka " + Confluent.Kafka.Library.VersionString +
            " as loaded, but no librdkafka module was found among the modules of this process, so the mock cluster " +
            "functions cannot be bound to the same library.");

        nint library = NativeLibrary.Load(path);
        if (!NativeLibrary.TryGetExport(library, "rd_kafka_mock_cluster_new", out _))
        {
            throw new InvalidOperationException(
                $"LocalKafkaCluster could not start: the loaded librdkafka ('{path}') does not export the mock cluster API " +
                "(rd_kafka_mock_cluster_new).");
        }

        NativeLibrary.SetDllImportResolver(
            typeof(NativeLibraryBinding).Assembly,
            (libraryName, _, _) => libraryName == LibRdKafka.LibraryName ? library : 0);
        LoadedPath = path;
        return library;
    }

    private static string? FindLoadedLibrary()
    {
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            string? path = module.FileName;
            if (!string.IsNullOrEmpty(path) && IsLibRdKafka(Path.GetFileName(path)))
            {
                return path;
            }
        }

        return null;
    }

    // librdkafka.so, centos8-librdkafka.so, librdkafka.dll, librdkafka.1.dylib, ... but not librdkafka++.
    private static bool IsLibRdKafka(string fileName) =>
        fileName.Contains("librdkafka", StringComparison.OrdinalIgnoreCase) &&
        !fileName.Contains("librdkafka++", StringComparison.OrdinalIgnoreCase) &&
        (fileName.Contains(".so", StringComparison.OrdinalIgnoreCase) ||
         fileName.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ||
         fileName.EndsWith(".dylib", StringComparison.OrdinalIgnoreCase));
}
