using TypedKafka.Analyzers.Tests.Infrastructure;
using TypedKafka.Generators.Analyzers;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0007: time zones that FromStartOfDay cannot find.</summary>
public class TimeZoneTests
{
    [Theory]
    [InlineData("Europe/Londn")]
    [InlineData("europe/london")]
    [InlineData("America/New York")]
    [InlineData("London")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("CEST")]
    public Task Unknown_zones_are_errors(string zone) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {{|TK0007:\"{zone}\"|}});"));

    [Theory]
    [InlineData("Europe/Londn", "Europe/London")]
    [InlineData("europe/london", "Europe/London")]
    [InlineData("America/New York", "America/New_York")]
    [InlineData("London", "Europe/London")]
    [InlineData("Amercia/Chicago", "America/Chicago")]
    [InlineData("pacific standard time", "Pacific Standard Time")]
    public Task The_message_suggests_the_nearest_known_zone(string zone, string suggestion) =>
        Verify.VerifyAsync(
            Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {{|#0:\"{zone}\"|}});"),
            Verify.Diagnostic(Descriptors.UnknownTimeZone).WithLocation(0).WithArguments(zone, $"; did you mean '{suggestion}'?"));

    [Fact]
    public Task Nothing_is_suggested_when_no_zone_is_close() =>
        Verify.VerifyAsync(
            Code.InMethod("SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), {|#0:\"Mars/Olympus_Mons\"|});"),
            Verify.Diagnostic(Descriptors.UnknownTimeZone).WithLocation(0).WithArguments("Mars/Olympus_Mons", string.Empty));

    [Fact]
    public Task Consts_and_the_offset_policy_record_are_checked() =>
        Verify.VerifyAsync(Code.InMethod("""
            const string Zone = "Europe/Paaris";
            SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), {|TK0007:Zone|});
            SourceTopic.FromCommitted("events", new OffsetPolicy.StartOfDay(new TimeOnly(8, 0), {|TK0007:"Asia/Tokio"|}));
            SourceTopic.FromStartOfDay(timeZoneId: {|TK0007:"GMT+1"|}, timeOfDay: new TimeOnly(8, 0), name: "events");
            """));

    [Theory]
    [InlineData("Europe/London")]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("Etc/GMT+5")]
    [InlineData("Asia/Calcutta")] // a backward-compatible link
    [InlineData("US/Eastern")]
    [InlineData("Eastern Standard Time")] // Windows id, which .NET maps to IANA through ICU
    public Task Known_zones_pass(string zone) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromStartOfDay(\"events\", new TimeOnly(8, 0), \"{zone}\");"));

    [Fact]
    public Task Zones_not_known_at_compile_time_are_not_checked() =>
        Verify.VerifyAsync(Code.InMethod("""
            SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), zoneFromConfig);
            SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), TimeZoneInfo.Local.Id);
            SourceTopic.FromStartOfDay("events", new TimeOnly(8, 0), "Europe/" + zoneFromConfig);
            """));
}
