using TypedKafka.Hosting.Runtime;

namespace TypedKafka.Hosting.Tests;

/// <summary>Which settings count as secret, and how their values are kept out of text.</summary>
public sealed class RedactionTests
{
    [Theory]
    [InlineData("sasl.password", true)]
    [InlineData("ssl.key.password", true)]
    [InlineData("ssl.keystore.password", true)]
    [InlineData("ssl.key.pem", true)]
    [InlineData("sasl.oauthbearer.client.secret", true)]
    [InlineData("sasl.oauthbearer.config", true)]
    [InlineData("ssl.key.location", false)]
    [InlineData("sasl.username", false)]
    [InlineData("bootstrap.servers", false)]
    [InlineData("group.id", false)]
    public void A_setting_is_secret_when_its_key_names_key_material(string key, bool secret) =>
        Assert.Equal(secret, SecretRedactor.IsSecret(key));

    [Fact]
    public void Settings_are_described_in_key_order_with_secret_values_masked() =>
        Assert.Equal(
            "bootstrap.servers=b:9092, sasl.password=***, sasl.username=alice",
            SecretRedactor.Describe(new Dictionary<string, string> { ["sasl.username"] = "alice", ["sasl.password"] = "hunter2", ["bootstrap.servers"] = "b:9092" }));

    [Fact]
    public void An_exception_quoting_a_secret_is_replaced_by_a_scrubbed_stand_in()
    {
        var redactor = new SecretRedactor(new Dictionary<string, string> { ["sasl.password"] = "hunter2" });

        var scrubbed = redactor.Scrub(new InvalidOperationException("login failed for hunter2"));

        Assert.DoesNotContain("hunter2", scrubbed.ToString(), StringComparison.Ordinal);
        Assert.Contains("login failed for ***", scrubbed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_without_secrets_is_logged_as_it_is()
    {
        var redactor = new SecretRedactor(new Dictionary<string, string> { ["sasl.password"] = "hunter2" });
        var error = new InvalidOperationException("broker down");

        Assert.Same(error, redactor.Scrub(error));
    }
}
