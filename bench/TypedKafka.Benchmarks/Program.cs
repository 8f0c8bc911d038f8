using BenchmarkDotNet.Running;

namespace TypedKafka.Benchmarks;

internal static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["ratio", ..])
        {
            PartitionRatio.Run(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
