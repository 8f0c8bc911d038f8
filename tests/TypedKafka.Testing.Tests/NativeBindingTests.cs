using System.Diagnostics;
using TypedKafka.Testing.Native;

namespace TypedKafka.Testing.Tests;

public sealed class NativeBindingTests
{
    [Fact]
    public void The_cluster_binds_to_the_one_librdkafka_file_confluent_kafka_loaded()
    {
        using var cluster = new LocalKafkaCluster();

        string[] loaded = LoadedLibRdKafkaFiles();

        string bound = Assert.IsType<string>(NativeLibraryBinding.LoadedPath);
        Assert.Equal([bound], loaded);
    }

    private static string[] LoadedLibRdKafkaFiles()
    {
        using var process = Process.GetCurrentProcess();
        return process.Modules.Cast<ProcessModule>()
            .Select(module => module.FileName)
            .Where(path => Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
