using System.CommandLine;
using Spectre.Console;
using TypedKafka.Cli.Commands;

namespace TypedKafka.Cli;

/// <summary>The <c>typedkafka</c> root command. Output goes through the writers given, so tests can read it.</summary>
internal static class TypedKafkaCommand
{
    /// <param name="environment">Reads an environment variable (<c>TYPEDKAFKA_BOOTSTRAP</c>); default: the process's.</param>
    /// <param name="standardOutput">Opens standard output as bytes (<c>replay --out -</c>); default: the process's.</param>
    public static RootCommand Create(IAnsiConsole console, TextWriter stdout, TextWriter stderr, Func<string, string?>? environment = null, Func<Stream>? standardOutput = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        standardOutput ??= Console.OpenStandardOutput;
        var root = new RootCommand("TypedKafka: read Kafka topics in timestamp order across partitions, as Apache Arrow.");
        root.Add(LocalCommand.Create(stdout, stderr));
        root.Add(ReplayCommand.Create(console, stdout, stderr, environment, standardOutput));
        root.Add(TopicsCommand.Create(console, stdout, stderr, environment));
        root.Add(TailCommand.Create(stdout, stderr, environment));
        root.Add(GroupsCommand.Create(stdout, stderr, environment));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; usage errors and help go to the same writers.</summary>
    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default) =>
        InvokeAsync(args, console, stdout, stderr, Environment.GetEnvironmentVariable, cancellation);

    /// <inheritdoc cref="InvokeAsync(string[], IAnsiConsole, TextWriter, TextWriter, CancellationToken)"/>
    /// <param name="environment">Reads an environment variable, in place of the process's.</param>
    /// <param name="standardOutput">Opens standard output as bytes, in place of the process's.</param>
    public static Task<int> InvokeAsync(
        string[] args, IAnsiConsole console, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellation, Func<Stream>? standardOutput = null) =>
        Create(console, stdout, stderr, environment, standardOutput).Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellation);
}
