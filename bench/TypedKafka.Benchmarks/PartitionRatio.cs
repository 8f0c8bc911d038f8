using System.Diagnostics;
using System.Globalization;

namespace TypedKafka.Benchmarks;

/// <summary>
/// The engine's cost at many partitions as a ratio of its cost at few, measured so that the ratio
/// holds on a machine shared with other work: the <see cref="EnginePartitionsBenchmarks"/> cases
/// at both counts in one process, invocation by invocation, alternating which goes first, and the
/// median of the pairs' ratios. Load that comes and goes then moves both sides of a pair alike;
/// BenchmarkDotNet measures the counts minutes apart, and its ratios moved by 0.5 from run to run.
/// <c>dotnet run -c Release --project bench/TypedKafka.Benchmarks -- ratio [pairs] [few] [many]</c>.
/// </summary>
internal static class PartitionRatio
{
    public static void Run(string[] args)
    {
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 41;
        var few = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
        var many = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4096;
        var fewBench = new EnginePartitionsBenchmarks { Partitions = few };
        var manyBench = new EnginePartitionsBenchmarks { Partitions = many };
        fewBench.Setup();
        manyBench.Setup();
        Console.WriteLine($"{pairs} alternating pairs, ns a message (medians; ratio: median of the pairs' ratios, with its quartiles)");
        Console.WriteLine($"| benchmark | {few} partitions | {many} partitions | ratio | quartiles |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var (name, run) in new (string, Func<EnginePartitionsBenchmarks, long>)[]
        {
            ("ReplayOrdered", b => b.ReplayOrdered()),
            ("SmallPolls", b => b.SmallPolls()),
            ("LongReplay", b => b.LongReplay()),
        })
        {
            for (var i = 0; i < 5; i++)
            {
                (run(fewBench), run(manyBench)).ToString();
            }

            var (fewNs, manyNs, ratios) = (new List<double>(), new List<double>(), new List<double>());
            for (var i = 0; i < pairs; i++)
            {
                var (first, second) = i % 2 == 0 ? (fewBench, manyBench) : (manyBench, fewBench);
                var firstNs = NsPerMessage(first, run);
                var secondNs = NsPerMessage(second, run);
                var (f, m) = i % 2 == 0 ? (firstNs, secondNs) : (secondNs, firstNs);
                fewNs.Add(f);
                manyNs.Add(m);
                ratios.Add(m / f);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{name}` | {Quantile(fewNs, 0.5):F1} | {Quantile(manyNs, 0.5):F1} | {Quantile(ratios, 0.5):F2}x | {Quantile(ratios, 0.25):F2} to {Quantile(ratios, 0.75):F2} |"));
        }

        fewBench.Cleanup();
        manyBench.Cleanup();
    }

    private static double NsPerMessage(EnginePartitionsBenchmarks bench, Func<EnginePartitionsBenchmarks, long> run)
    {
        var start = Stopwatch.GetTimestamp();
        run(bench);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / EnginePartitionsBenchmarks.TotalMessages;
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }
}
