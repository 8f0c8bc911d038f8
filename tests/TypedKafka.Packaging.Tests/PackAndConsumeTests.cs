using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace TypedKafka.Packaging.Tests;

/// <summary>
/// The packages as a user gets them: packed into a temporary feed, then referenced by a brand-new
/// console project in a temporary folder outside the repository (its own nuget.config, no
/// Directory.Build.props of ours), which must build with the generator and analyzers working and run.
/// </summary>
public sealed class PackAndConsumeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Libraries =
        ["src/TypedKafka/TypedKafka.csproj", "src/TypedKafka.Testing/TypedKafka.Testing.csproj", "src/TypedKafka.Parquet/TypedKafka.Parquet.csproj", "src/TypedKafka.Hosting/TypedKafka.Hosting.csproj"];

    // A version no earlier run used: the global packages folder keeps what it restored by version.
    private readonly string _version = $"0.9.0-packtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    private readonly string _work = Directory.CreateTempSubdirectory("typedkafka-pack-").FullName;

    private static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "typedkafka", "typedkafka.testing", "typedkafka.parquet", "typedkafka.hosting" })
        {
            var restored = Path.Combine(packages, id, _version);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_new_project_outside_the_repository_builds_and_runs_from_the_packages()
    {
        var repository = FindRepository();
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;

        // Pack what this configuration built, through a solution filter: one command for the four libraries.
        var filter = Path.Combine(_work, "libraries.slnf");
        await File.WriteAllTextAsync(filter, $$"""
            { "solution": { "path": "{{Path.Combine(repository, "TypedKafka.sln").Replace("\\", "\\\\", StringComparison.Ordinal)}}",
                            "projects": [{{string.Join(", ", Libraries.Select(l => $"\"{l}\""))}}] } }
            """);
        await Dotnet(_work, "pack", filter, "-c", Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={_version}");

        // The runtime package: library, generator, code fixes, README; symbols beside it.
        var package = Path.Combine(feed, $"TypedKafka.{_version}.nupkg");
        var entries = Contents(package);
        Assert.Contains("lib/net10.0/TypedKafka.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/TypedKafka.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/TypedKafka.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("lib/net10.0/TypedKafka.pdb", Contents(Path.ChangeExtension(package, ".snupkg")));
        var metadata = Nuspec(package);
        Assert.Equal(_version, metadata("version"));
        Assert.Equal("Apache-2.0", metadata("license"));
        Assert.Equal("README.md", metadata("readme"));
        Assert.StartsWith("https://", metadata("projectUrl"), StringComparison.Ordinal);
        Assert.Contains("kafka", metadata("tags"), StringComparison.Ordinal);
        foreach (var library in Libraries)
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{Path.GetFileNameWithoutExtension(library)}.{_version}.nupkg")), $"{library} was not packed");
        }

        // A brand-new project: nothing of the repository's build settings, the feed before the usual source.
        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="typedkafka-test-feed" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedKafka" Version="{_version}" />
                <PackageReference Include="TypedKafka.Testing" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Text;
            using TypedKafka;
            using TypedKafka.Testing;

            using var cluster = new LocalKafkaCluster();
            cluster.CreateTopic("readings", partitions: 2);
            cluster.Produce("readings", [
                new LocalMessage(0, 1_767_225_600_000, null, Encoding.UTF8.GetBytes("{\"Sensor\":\"a\",\"Value\":1.5}")),
                new LocalMessage(1, 1_767_225_600_001, null, Encoding.UTF8.GetBytes("{\"Sensor\":\"b\",\"Value\":2.5}")),
            ]);

            // The deliberate mistake: Unix seconds where milliseconds are meant (TK0005, a warning).
            var mistaken = SourceTopic.FromAbsoluteTime("readings", 1_767_225_600);

            // TypedConsumer<T> compiles only for a type the generator implemented IArrowMessage<T> on.
            using var readings = new TypedConsumer<Reading>(new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers }, [SourceTopic.FromEarliest("readings")]);
            Console.WriteLine("schema " + string.Join(",", readings.Schema.FieldsList.Select(f => f.Name)));
            while (!readings.IsLive)
            {
                using var batch = readings.Poll(1000);
                foreach (var reading in batch.Rows)
                {
                    Console.WriteLine($"row {reading.Sensor}={reading.Value}");
                }
            }

            [KafkaMessage]
            public partial record Reading(string Sensor, double Value);
            """);

        var build = await Dotnet(app, "build", "-c", "Release");
        Assert.Contains("warning TK0005", build, StringComparison.Ordinal);
        Assert.DoesNotContain("CS8032", build, StringComparison.Ordinal);   // an analyzer assembly that could not be loaded
        Assert.DoesNotContain("AD0001", build, StringComparison.Ordinal);   // an analyzer that threw

        var run = await Dotnet(app, "run", "-c", "Release", "--no-build");
        Assert.Contains("schema key,topic,partition,offset,timestamp,Sensor,Value", run, StringComparison.Ordinal);
        Assert.Contains("row a=1.5", run, StringComparison.Ordinal);
        Assert.Contains("row b=2.5", run, StringComparison.Ordinal);

        foreach (var nupkg in Directory.GetFiles(feed).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"{Path.GetFileName(nupkg)}: {new FileInfo(nupkg).Length:N0} bytes");
        }

        foreach (var entry in entries)
        {
            output.WriteLine($"  {entry}");
        }
    }

    private static List<string> Contents(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    private static Func<string, string> Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var document = XDocument.Load(stream);
        var metadata = document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return name => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? $"(no {name})";
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TypedKafka.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No TypedKafka.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs <c>dotnet</c> in <paramref name="folder"/>; returns its output, or fails the test with it.</summary>
    private async Task<string> Dotnet(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Concat(args[0] == "run" ? [] : ["--disable-build-servers"]))
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under MSBuild's own variables; a child build must find its SDK afresh.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDNODEREUSE"] = "0";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var text = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(guard.Token);
        text.Append(await stdout).Append(await stderr);
        output.WriteLine($"dotnet {string.Join(' ', args)}: exit {process.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{text}");
        return text.ToString();
    }
}
