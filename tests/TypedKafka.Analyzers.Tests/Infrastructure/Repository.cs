namespace TypedKafka.Analyzers.Tests.Infrastructure;

internal static class Repository
{
    /// <summary>The checkout this test runs from: the first folder above the test binaries that holds TypedKafka.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
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
}
