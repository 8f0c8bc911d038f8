using System.CommandLine;
using Spectre.Console;
using TypedKafka.Cli.Commands;

namespace TypedKafka.Cli;

/// <summary>The <c>typedkafka</c> root command. Output goes through the writers given, so tests can read it.</summary>
internal static class TypedKafkaCommand
{
    public static RootCommand Create(IAnsiConsole console, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("TypedKafka: read Kafka topics in timestamp order across partitions, as Apache Arrow.");
        root.Add(LocalCommand.Create(stdout, stderr));
        root.Add(ReplayCommand.Create(console, stdout, stderr));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; usage errors and help go to the same writers.</summary>
    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default) =>
        Create(console, stdout, stderr).Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellation);
}
