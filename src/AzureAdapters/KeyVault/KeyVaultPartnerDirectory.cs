using System.Collections.Frozen;
using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// Serves the partners listed under <c>Partners</c> with the keys and secrets held in Key Vault
/// (<see cref="PartnerSecretNames"/>), cached in memory per client id and refreshed when older than
/// <c>KeyVault:RefreshInterval</c>.
/// </summary>
/// <remarks>
/// <para>
/// A refresh runs once per client at a time. The caller that starts it waits for it (so a key that was
/// just rotated in is seen at once); concurrent callers keep the cached value meanwhile. A failed
/// refresh keeps the last good value, whatever the cause (outage, 429, a deleted or broken secret), and
/// is not retried for <see cref="RetryAfterFailure"/>, so requests do not queue up behind a vault that
/// is down. With no good value yet, every caller gets <see cref="PartnerDirectoryUnavailableException"/>
/// (a 5xx, so QoinHub retries) and the next call tries Key Vault again.
/// </para>
/// <para>
/// Keys replaced by a refresh are not disposed: a request may still be verifying with them. They are
/// few and are reclaimed by the garbage collector. An unchanged secret value keeps its imported keys.
/// </para>
/// </remarks>
public sealed partial class KeyVaultPartnerDirectory : IPartnerDirectory
{
    /// <summary>How long a last good value is served after a failed refresh before Key Vault is asked again.</summary>
    internal static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly SecretClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultPartnerDirectory> _logger;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _retryAfterFailure;
    private readonly FrozenDictionary<string, PartnerCache> _partners;

    internal KeyVaultPartnerDirectory(
        SecretClient client,
        IReadOnlyList<PartnerOptions> partners,
        TimeSpan refreshInterval,
        TimeProvider timeProvider,
        ILogger<KeyVaultPartnerDirectory> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refreshInterval, TimeSpan.Zero);
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _refreshInterval = refreshInterval;
        _retryAfterFailure = refreshInterval < RetryAfterFailure ? refreshInterval : RetryAfterFailure;
        _partners = partners.ToFrozenDictionary(
            partner => partner.ClientId,
            partner => new PartnerCache(partner.ClientId, PartnerSecretNames.For(partner.ClientId)),
            StringComparer.Ordinal);

        foreach (var partner in partners.Where(partner => partner.PublicKeys.Count > 0 || partner.ClientSecrets.Count > 0))
        {
            LogInlineCredentialsIgnored(_logger, partner.SettingPath, partner.ClientId);
        }
    }

    public async ValueTask<PartnerCredentials?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!_partners.TryGetValue(clientId, out var partner))
        {
            return null;
        }

        Task<PartnerCredentials> refresh;
        lock (partner.Gate)
        {
            if (partner.LastGood is { } lastGood && (_timeProvider.GetUtcNow() < partner.NextRefreshAt || partner.Refresh is not null))
            {
                return lastGood.Credentials;
            }

            // Task.Run: the refresh must not run inline under the lock, and it belongs to every caller
            // that waits on it, so it does not take this caller's cancellation token.
            refresh = partner.Refresh ??= Task.Run(() => RefreshAsync(partner));
        }

        return await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills the cache for every listed client; failures are logged and left for requests to retry.</summary>
    internal async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_partners.Keys.Select(async clientId =>
        {
            try
            {
                await FindAsync(clientId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is PartnerDirectoryUnavailableException or OperationCanceledException)
            {
                // Already logged by the refresh; a request will try again.
            }
        })).ConfigureAwait(false);
    }

    private async Task<PartnerCredentials> RefreshAsync(PartnerCache partner)
    {
        FetchedCredentials? previous;
        lock (partner.Gate)
        {
            previous = partner.LastGood;
        }

        try
        {
            var fetched = await FetchAsync(partner, previous).ConfigureAwait(false);
            lock (partner.Gate)
            {
                partner.LastGood = fetched;
                partner.NextRefreshAt = fetched.FetchedAt + _refreshInterval;
                partner.Refresh = null;
            }

            return fetched.Credentials;
        }
        catch (Exception exception)
        {
            lock (partner.Gate)
            {
                partner.NextRefreshAt = _timeProvider.GetUtcNow() + _retryAfterFailure;
                partner.Refresh = null;
            }

            // Our own messages say all there is to say; anything else is unexpected and keeps its stack trace.
            var reason = exception is PartnerDirectoryUnavailableException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
            var logged = exception is PartnerDirectoryUnavailableException ? null : exception;
            if (previous is not null)
            {
                LogServingLastGood(_logger, logged, partner.ClientId, previous.FetchedAt, reason);
                return previous.Credentials;
            }

            LogNothingCached(_logger, logged, partner.ClientId, reason);
            throw new PartnerDirectoryUnavailableException($"The credentials of client '{partner.ClientId}' could not be read from Key Vault: {reason}", exception);
        }
    }

    private async Task<FetchedCredentials> FetchAsync(PartnerCache partner, FetchedCredentials? previous)
    {
        var names = partner.Names;
        var publicKeysRead = ReadSecretAsync(names.PublicKeys);
        var clientSecretsRead = ReadSecretAsync(names.ClientSecrets);
        await Task.WhenAll(publicKeysRead, clientSecretsRead).ConfigureAwait(false);
        var publicKeysPem = await publicKeysRead.ConfigureAwait(false);
        var clientSecretsText = await clientSecretsRead.ConfigureAwait(false);

        var clientSecrets = clientSecretsText.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (clientSecrets.Length == 0)
        {
            throw new PartnerDirectoryUnavailableException($"Key Vault secret '{names.ClientSecrets}' holds no client secret; put one per line");
        }

        IReadOnlyList<RSA> keys;
        if (previous is not null && previous.PublicKeysPem == publicKeysPem)
        {
            keys = previous.Credentials.PublicKeys;
        }
        else
        {
            var import = RsaPublicKeyPem.Import(publicKeysPem);
            if (import.Keys.Count == 0)
            {
                throw new PartnerDirectoryUnavailableException(
                    $"Key Vault secret '{names.PublicKeys}' holds no usable RSA public key: {string.Join("; ", import.Problems)}");
            }

            foreach (var problem in import.Problems)
            {
                LogKeyBlockSkipped(_logger, partner.ClientId, names.PublicKeys, problem);
            }

            keys = import.Keys;
        }

        return new FetchedCredentials(new PartnerCredentials(partner.ClientId, keys, clientSecrets), publicKeysPem, _timeProvider.GetUtcNow());
    }

    /// <summary>Reads a secret's value; every failure becomes a message naming the secret and what to do.</summary>
    private async Task<string> ReadSecretAsync(string name)
    {
        try
        {
            var response = await _client.GetSecretAsync(name, version: null, CancellationToken.None).ConfigureAwait(false);
            return response.Value.Value ?? string.Empty;
        }
        catch (RequestFailedException exception)
        {
            // The exception's own message carries the response body; the status and error code are enough.
            var message = exception.Status switch
            {
                404 => $"Key Vault has no secret '{name}' (404 {exception.ErrorCode}); create it",
                401 or 403 => $"Key Vault refused to read secret '{name}' ({exception.Status} {exception.ErrorCode}); give the app's identity the 'Key Vault Secrets User' role and check that the secret is enabled",
                0 => $"Key Vault could not be reached for secret '{name}' ({exception.InnerException?.GetType().Name ?? "no response"})",
                _ => $"Key Vault answered {exception.Status} {exception.ErrorCode} for secret '{name}'",
            };
            throw new PartnerDirectoryUnavailableException(message, exception);
        }
    }

    [LoggerMessage(EventId = LogEvents.KeyVaultInlineCredentialsIgnored, Level = LogLevel.Warning,
        Message = "{SettingPath} (client {ClientId}) carries public keys or client secrets that are ignored: KeyVault:Uri is set, so Key Vault supplies them")]
    private static partial void LogInlineCredentialsIgnored(ILogger logger, string settingPath, string clientId);

    [LoggerMessage(EventId = LogEvents.KeyVaultRefreshFailedServingLastGood, Level = LogLevel.Warning,
        Message = "Refreshing the credentials of client {ClientId} failed; serving those read at {FetchedAt:O}. {Reason}")]
    private static partial void LogServingLastGood(ILogger logger, Exception? exception, string clientId, DateTimeOffset fetchedAt, string reason);

    [LoggerMessage(EventId = LogEvents.KeyVaultUnavailable, Level = LogLevel.Error,
        Message = "The credentials of client {ClientId} could not be read and none are cached; its requests are answered 5xx until Key Vault can be read. {Reason}")]
    private static partial void LogNothingCached(ILogger logger, Exception? exception, string clientId, string reason);

    [LoggerMessage(EventId = LogEvents.KeyVaultSecretProblem, Level = LogLevel.Warning,
        Message = "Client {ClientId}: a PEM block of Key Vault secret {SecretName} was skipped: {Problem}")]
    private static partial void LogKeyBlockSkipped(ILogger logger, string clientId, string secretName, string problem);

    private sealed record FetchedCredentials(PartnerCredentials Credentials, string PublicKeysPem, DateTimeOffset FetchedAt);

    /// <summary>The cache of one client id; the mutable fields are guarded by <see cref="Gate"/>.</summary>
    private sealed class PartnerCache(string clientId, PartnerSecretNames names)
    {
        public string ClientId { get; } = clientId;

        public PartnerSecretNames Names { get; } = names;

        public Lock Gate { get; } = new();

        public FetchedCredentials? LastGood { get; set; }

        public DateTimeOffset NextRefreshAt { get; set; }

        public Task<PartnerCredentials>? Refresh { get; set; }
    }
}
