namespace TypedKafka.Cli;

/// <summary>
/// librdkafka properties files, as <c>kcat -F</c> and the Java clients' <c>--command-config</c> take
/// them: one <c>KEY=VALUE</c> a line, split at the first <c>=</c>, key and value trimmed; blank lines
/// and lines starting with <c>#</c> are skipped. Errors name the file and line and never quote the
/// line, which may hold a secret (<c>sasl.password hunter2</c>, missing its <c>=</c>).
/// </summary>
internal static class ConfigFiles
{
    /// <exception cref="FormatException">The file cannot be read, or a line is not KEY=VALUE.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"--config-file '{path}' cannot be read: {e.Message}", e);
        }

        var settings = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? string.Empty : line[..equals].Trim();
            if (key.Length == 0)
            {
                throw new FormatException($"--config-file '{path}', line {i + 1}: not KEY=VALUE (no '=', or nothing before it).");
            }

            settings.Add(new(key, line[(equals + 1)..].Trim()));
        }

        return settings;
    }
}
