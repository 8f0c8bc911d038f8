using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace TypedKafka.Analyzers.Tests.Infrastructure;

/// <summary>
/// What test compilations reference: the framework reference assemblies this test project was
/// compiled against (recorded by the build, so nothing is downloaded), and TypedKafka itself.
/// </summary>
internal static class TestReferences
{
    /// <summary>A target framework with no reference package: the references come from <see cref="Framework"/> instead.</summary>
    public static ReferenceAssemblies NoPackages { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Framework { get; } = LoadFramework();

    public static MetadataReference TypedKafka { get; } = MetadataReference.CreateFromFile(typeof(SourceTopic).Assembly.Location);

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        var folder = typeof(TestReferences).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FrameworkReferenceFolder")
            .Value;
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            throw new InvalidOperationException($"The framework reference folder recorded at build time ('{folder}') does not exist; rebuild the test project.");
        }

        // The assemblies the test code and TypedKafka's public surface touch: binding against the
        // whole pack (~160 assemblies) in every one of ~300 test compilations costs most of the run.
        string[] used = ["System.Runtime", "System.Collections", "System.Linq", "System.Console"];
        return [.. used.Select(name => (MetadataReference)MetadataReference.CreateFromFile(Path.Combine(folder, name + ".dll")))];
    }
}
