using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TypedKafka.Kafka.Native;

/// <summary>
/// Points <see cref="LibRdKafka"/> at the librdkafka file that Confluent.Kafka loaded, as
/// TypedKafka.Testing's binding does for the mock cluster.
/// </summary>
/// <remarks>
/// librdkafka.redist ships several builds side by side (on Linux <c>librdkafka.so</c>, which needs
/// <c>libsasl2.so.3</c>, and <c>centos8-librdkafka.so</c>), and Confluent.Kafka falls back between
/// them at run time: a handle from one copy passed to another would corrupt both. So the path is taken
/// from the modules the process has mapped after Confluent.Kafka loaded its choice, and the version
/// that file reports must be the one Confluent.Kafka reports.
/// </remarks>
internal static class NativeLibraryBinding
{
    // One resolver per assembly, and a failure to bind does not heal: the outcome is computed once.
    private static readonly Lazy<string?> s_failure = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Null when bound; otherwise why the batch intake cannot be used.</summary>
    internal static string? Failure => s_failure.Value;

    private static string? Bind()
    {
        int expected;
        try
        {
            expected = Confluent.Kafka.Library.Version;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            return $"Confluent.Kafka could not load librdkafka: {e.Message}";
        }

        var path = FindLoadedLibrary();
        if (path is null)
        {
            return "no librdkafka module was found among the modules of this process";
        }

        if (!NativeLibrary.TryLoad(path, out var library))
        {
            return $"'{path}' could not be loaded";
        }

        foreach (var export in new[] { "rd_kafka_consume_batch_queue", "rd_kafka_queue_get_consumer", "rd_kafka_message_headers", "rd_kafka_header_get_all" })
        {
            if (!NativeLibrary.TryGetExport(library, export, out _))
            {
                return $"'{path}' does not export {export}";
            }
        }

        NativeLibrary.SetDllImportResolver(
            typeof(NativeLibraryBinding).Assembly,
            (libraryName, _, _) => libraryName == LibRdKafka.LibraryName ? library : 0);
        var version = LibRdKafka.Version();
        return version == expected
            ? null
            : $"'{path}' is librdkafka 0x{version:x8}, but Confluent.Kafka loaded 0x{expected:x8}: another copy";
    }

    private static string? FindLoadedLibrary()
    {
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            var path = module.FileName;
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
