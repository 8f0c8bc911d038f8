using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;

namespace TypedKafka.Analyzers.Tests;

/// <summary>Every rule is documented where its help link points, with a wrong and a right example, and tracked for release.</summary>
public partial class DiagnosticDocumentationTests
{
    private const string DocsPath = "docs/diagnostics.md";

    public static TheoryData<string> RuleIds => [.. Descriptors.All.Select(d => d.Id)];

    private static string Docs => File.ReadAllText(Path.Combine(Repository.Root, DocsPath));

    [Fact]
    public void Every_analyzer_reports_only_listed_rules_and_every_rule_has_an_analyzer()
    {
        var supported = new DiagnosticAnalyzer[] { new OffsetPolicyAnalyzer(), new ConsumerArgumentsAnalyzer() }
            .SelectMany(a => a.SupportedDiagnostics)
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal);
        Assert.Equal(Descriptors.All.Select(d => d.Id).Order(StringComparer.Ordinal), supported);
    }

    [Fact]
    public void Ids_are_unique_and_numbered_from_TK0001()
    {
        var ids = Descriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(n => $"TK{n:0000}"), ids);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void The_help_link_points_at_an_existing_section_of_the_diagnostics_page(string id)
    {
        var descriptor = Descriptors.All.Single(d => d.Id == id);
        var link = new Uri(descriptor.HelpLinkUri);

        Assert.EndsWith("/" + DocsPath, link.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repository.Root, DocsPath)));
        Assert.Equal(id.ToLowerInvariant(), link.Fragment.TrimStart('#'));
        Assert.Contains(link.Fragment.TrimStart('#'), HeadingAnchors(Docs));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void The_section_shows_a_wrong_and_a_right_example(string id)
    {
        var section = Section(Docs, id);
        Assert.Contains(Descriptors.All.Single(d => d.Id == id).Title.ToString(), section, StringComparison.Ordinal);
        Assert.Matches(@"(?s)Wrong.*?```csharp.*?```", section);
        Assert.Matches(@"(?s)Right.*?```csharp.*?```", section);
    }

    [Fact]
    public void The_page_documents_no_analyzer_id_that_does_not_exist()
    {
        var documented = AnalyzerHeading().Matches(Docs).Select(m => m.Groups[1].Value);
        Assert.All(documented, id => Assert.Contains(id, Descriptors.All.Select(d => d.Id)));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void The_rule_is_tracked_for_release_with_its_category_and_severity(string id)
    {
        var descriptor = Descriptors.All.Single(d => d.Id == id);
        var folder = Path.Combine(Repository.Root, "generators", "TypedKafka.Generators");
        var rows = File.ReadAllLines(Path.Combine(folder, "AnalyzerReleases.Unshipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(folder, "AnalyzerReleases.Shipped.md")))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells.Length >= 3 && cells[0] == id);
        var row = Assert.Single(rows);
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    /// <summary>The anchors GitHub gives headings: lower case, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    private static HashSet<string> HeadingAnchors(string markdown) =>
        markdown.Split('\n')
            .Where(line => line.StartsWith('#'))
            .Select(line => line.TrimStart('#').Trim().ToLowerInvariant())
            .Select(heading => string.Concat(heading.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ')).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    private static string Section(string markdown, string id)
    {
        var start = markdown.IndexOf("\n## " + id, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{DocsPath} has no '## {id}' section.");
        var end = markdown.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    [GeneratedRegex(@"^## (TK0\d{3})\b", RegexOptions.Multiline)]
    private static partial Regex AnalyzerHeading();
}
