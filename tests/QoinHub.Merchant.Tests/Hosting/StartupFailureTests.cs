using Microsoft.Extensions.Options;
using QoinHub.Merchant.Functions;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>The one-line start-up refusal names each setting as configuration writes it and as an app setting or environment variable.</summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("Snap:TokenLifetime must be more than zero.", "Snap:TokenLifetime (Snap__TokenLifetime) must be more than zero.")]
    [InlineData("Partners:0:PublicKeys:0 is not a readable PEM file.", "Partners:0:PublicKeys:0 (Partners__0__PublicKeys__0) is not a readable PEM file.")]
    [InlineData("Partners:0:PublicKeys:0: no RSA public key in the PEM text.", "Partners:0:PublicKeys:0 (Partners__0__PublicKeys__0): no RSA public key in the PEM text.")]
    [InlineData("Set ServiceBus:FullyQualifiedNamespace or ServiceBus:ConnectionString.", "Set ServiceBus:FullyQualifiedNamespace (ServiceBus__FullyQualifiedNamespace) or ServiceBus:ConnectionString (ServiceBus__ConnectionString).")]
    public void Settings_are_named_both_ways(string message, string expected) =>
        Assert.Equal(expected, StartupFailure.Describe(new InvalidOperationException(message)));

    [Theory]
    [InlineData("KeyVault__Uri must be an https URI such as https://contoso.vault.azure.net/.")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT is not an absolute http(s) URI.")]
    [InlineData("Health__Timeout must be between 00:00:00.1 and 00:00:30.")]
    [InlineData("Address already in use 127.0.0.1:7071")]
    public void Addresses_times_and_names_already_written_with_underscores_are_left_alone(string message) =>
        Assert.Equal(message, StartupFailure.Describe(new InvalidOperationException(message)));

    [Fact]
    public void Every_validation_failure_names_its_setting_both_ways()
    {
        var failure = new OptionsValidationException("Outbox", typeof(object), ["Outbox:RelayAfter must be positive", "Outbox:ClaimLease must be positive"]);

        Assert.Equal(
            "Outbox:RelayAfter (Outbox__RelayAfter) must be positive; Outbox:ClaimLease (Outbox__ClaimLease) must be positive",
            StartupFailure.Describe(failure));
    }
}
