using TypedKafka.Analyzers.Tests.Infrastructure;
using Verify = TypedKafka.Analyzers.Tests.Infrastructure.AnalyzerVerifier<TypedKafka.Generators.Analyzers.OffsetPolicyAnalyzer>;

namespace TypedKafka.Analyzers.Tests;

/// <summary>TK0012: committed-offset policies whose fallback cannot say where to start.</summary>
public class CommittedFallbackTests
{
    [Theory]
    [InlineData("null!")]
    [InlineData("default!")]
    [InlineData("new OffsetPolicy.Committed(new OffsetPolicy.Earliest())")]
    public Task Null_or_committed_fallbacks_are_errors(string fallback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromCommitted(\"events\", {{|TK0012:{fallback}|}});"));

    [Fact]
    public Task The_record_constructor_is_checked_too() =>
        Verify.VerifyAsync(Code.InMethod("""
            _ = new OffsetPolicy.Committed({|TK0012:new OffsetPolicy.Committed(new OffsetPolicy.Latest())|});
            _ = new OffsetPolicy.Committed({|TK0012:null!|});
            """));

    [Theory]
    [InlineData("new OffsetPolicy.Earliest()")]
    [InlineData("new OffsetPolicy.Latest()")]
    [InlineData("new OffsetPolicy.RelativeTime(TimeSpan.FromHours(1))")]
    [InlineData("policyFromConfig")]
    public Task Fallbacks_that_say_where_to_start_or_are_not_known_pass(string fallback) =>
        Verify.VerifyAsync(Code.InMethod($"SourceTopic.FromCommitted(\"events\", {fallback});"));
}
