using TypedKafka.Analyzers.Tests.Infrastructure;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.CodeFixVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer, TypedKafka.CodeFixes.TimeZoneIdCodeFix>;

namespace TypedKafka.Analyzers.Tests.CodeFixes;

/// <summary>TK0007 fix: the nearest known zone id replaces the unknown one.</summary>
public class TimeZoneIdCodeFixTests
{
    [Theory]
    [InlineData("Europe/Londn", "Europe/London")]
    [InlineData("europe/london", "Europe/London")]
    [InlineData("America/New York", "America/New_York")]
    [InlineData("Tokyo", "Asia/Tokyo")]
    public Task The_nearest_known_zone_replaces_a_typo(string zone, string known) =>
        Verify.VerifyFixAsync(
            Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {{|TK0007:\"{zone}\"|}});"),
            Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), \"{known}\");"));

    [Fact]
    public Task The_record_argument_is_fixed_too() =>
        Verify.VerifyFixAsync(
            Code.InMethod("_ = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), {|TK0007:\"Europe/Pariss\"|});"),
            Code.InMethod("_ = new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), \"Europe/Paris\");"));

    [Fact]
    public Task No_fix_is_offered_when_no_zone_is_close() =>
        Verify.VerifyFixAsync(
            Code.InMethod("SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {|TK0007:\"Mars/Olympus_Mons\"|});"),
            Code.InMethod("SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {|TK0007:\"Mars/Olympus_Mons\"|});"));

    [Fact]
    public Task A_const_is_left_for_the_user_to_change() =>
        Verify.VerifyFixAsync(
            Code.InMethod("""
                const string Zone = "Europe/Londn";
                SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), {|TK0007:Zone|});
                """),
            Code.InMethod("""
                const string Zone = "Europe/Londn";
                SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), {|TK0007:Zone|});
                """));
}
