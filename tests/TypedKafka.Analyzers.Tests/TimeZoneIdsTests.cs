using TypedKafka.Generators.Analyzers;

namespace TypedKafka.Analyzers.Tests;

/// <summary>The time-zone ids frozen into the analyzer, and the nearest-id suggestion.</summary>
public class TimeZoneIdsTests
{
    [Fact]
    public void The_embedded_lists_are_sorted_and_free_of_duplicates()
    {
        Assert.Equal(TimeZoneIds.Iana.Order(StringComparer.Ordinal), TimeZoneIds.Iana);
        Assert.Equal(TimeZoneIds.Iana.Length, TimeZoneIds.Iana.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(TimeZoneIds.Windows.Order(StringComparer.Ordinal), TimeZoneIds.Windows);
        Assert.True(TimeZoneIds.Iana.Length > 400, "the IANA list looks truncated");
    }

    [Fact]
    public void Every_embedded_id_resolves_at_run_time_where_tzdata_is_installed()
    {
        if (!Directory.Exists("/usr/share/zoneinfo"))
        {
            return; // the comparison needs the tz database the list was built from; the analyzer itself does not
        }

        var unresolved = TimeZoneIds.Iana.Concat(TimeZoneIds.Windows).Where(id => !TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)).ToList();
        Assert.Empty(unresolved);
    }

    [Theory]
    [InlineData("Europe/London")]
    [InlineData("UTC")]
    [InlineData("Etc/GMT-14")]
    [InlineData("W. Europe Standard Time")]
    public void Known_ids_are_known(string id) => Assert.True(TimeZoneIds.IsKnown(id));

    [Theory]
    [InlineData("europe/london")]
    [InlineData("Europe/London ")]
    [InlineData("Mars/Olympus_Mons")]
    public void Ids_are_matched_exactly(string id) => Assert.False(TimeZoneIds.IsKnown(id));

    [Theory]
    [InlineData("EUROPE/LONDON", "Europe/London")]
    [InlineData("america/los angeles", "America/Los_Angeles")]
    [InlineData("Sydney", "Australia/Sydney")]
    [InlineData("Europe/Berln", "Europe/Berlin")]
    [InlineData("Eurpoe/Berlin", "Europe/Berlin")]
    [InlineData("Asia/Kolkatta", "Asia/Kolkata")]
    public void The_nearest_known_id_is_suggested(string id, string expected) =>
        Assert.Equal(expected, TimeZoneIds.Suggest(id));

    [Theory]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Somewhere")]
    public void Nothing_is_suggested_when_nothing_is_close(string id) =>
        Assert.Null(TimeZoneIds.Suggest(id));

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("abc", "acb", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void Edit_distance_counts_insertions_deletions_substitutions_and_transpositions(string a, string b, int distance) =>
        Assert.Equal(distance, TimeZoneIds.EditDistance(a, b));
}
