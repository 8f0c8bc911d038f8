using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace TypedKafka.EndToEnd;

/// <summary>
/// kcat (C, on the same librdkafka) as a reader and as a producer: the floor a .NET reader is
/// measured against. Install it with <c>apt-get install -y kcat</c>.
/// </summary>
internal static partial class Kcat
{
    public static bool IsInstalled => File.Exists("/usr/bin/kcat") || File.Exists("/usr/local/bin/kcat");

    /// <summary>Writes <paramref name="messages"/> lines of <see cref="Data.ValueBytes"/> bytes with <c>kcat -P</c> (null keys, the default partitioner, the time of producing).</summary>
    public static long Produce(string bootstrap, string topic, int messages)
    {
        var info = new ProcessStartInfo("kcat", ["-P", "-b", bootstrap, "-t", topic]) { RedirectStandardInput = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start kcat.");
        var random = new Random(7);
        var line = new char[Data.ValueBytes];
        var writer = process.StandardInput;
        for (var i = 0; i < messages; i++)
        {
            for (var c = 0; c < line.Length; c++)
            {
                line[c] = (char)('a' + random.Next(26));
            }

            writer.Write(line);
            writer.Write('\n');
        }

        writer.Close();
        process.WaitForExit();
        return process.ExitCode == 0 ? messages : throw new InvalidOperationException($"kcat -P exited with {process.ExitCode}.");
    }

    /// <summary>
    /// <c>kcat -C -e -q</c> from the beginning of every partition to its end, printing each value's
    /// size; returns the messages read and kcat's own CPU time (it is a child process, reaped here).
    /// </summary>
    public static (long Count, TimeSpan Cpu, TimeSpan User) Read(string bootstrap, string topic, long expected, IReadOnlyList<string> settings)
    {
        string[] arguments = ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%S\n", .. settings.SelectMany(s => new[] { "-X", s })];
        var before = ChildrenUsage();
        var info = new ProcessStartInfo("kcat", arguments) { RedirectStandardOutput = true, StandardOutputEncoding = Encoding.ASCII };
        long count = 0, bytes = 0;
        using (var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start kcat."))
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                count++;
                bytes += long.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
            }

            process.WaitForExit();
        }

        var after = ChildrenUsage();
        if (count != expected || bytes != expected * Data.ValueBytes)
        {
            throw new InvalidOperationException($"kcat read {count:N0} messages ({bytes:N0} value bytes) of {expected:N0}.");
        }

        return (count, after.Cpu - before.Cpu, after.User - before.User);
    }

    // getrusage(RUSAGE_CHILDREN): CPU of children that have ended and been waited for (kcat, not the cluster, which runs on).
    private static (TimeSpan Cpu, TimeSpan User) ChildrenUsage()
    {
        var usage = new long[18];
        if (GetRusage(-1, usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed.");
        }

        var user = TimeSpan.FromSeconds(usage[0]) + TimeSpan.FromMicroseconds(usage[1]);
        var system = TimeSpan.FromSeconds(usage[2]) + TimeSpan.FromMicroseconds(usage[3]);
        return (user + system, user);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, [Out] long[] usage);
}
