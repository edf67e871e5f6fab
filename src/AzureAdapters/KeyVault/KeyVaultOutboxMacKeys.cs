using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// The outbox MAC keys from Key Vault: secret <c>outbox-mac-key-{keyId}</c> (Base64, at least 32
/// bytes) for <c>Outbox:MacKeyId</c> and for each id in <c>Outbox:MacVerifyKeyIds</c>. Read on first
/// use and again after <c>KeyVault:RefreshInterval</c>; a failed refresh keeps the last good keys and
/// is not retried for 30 seconds. With no good keys yet every caller gets
/// <see cref="OutboxMacKeysUnavailableException"/> (a 5xx, so QoinHub retries; the relay tries again
/// on its next run).
/// </summary>
public sealed partial class KeyVaultOutboxMacKeys : IOutboxMacKeys, IDisposable
{
    public const string SecretPrefix = "outbox-mac-key-";

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly SecretClient _client;
    private readonly OutboxMacSettings _settings;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _clock;
    private readonly ILogger<KeyVaultOutboxMacKeys> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OutboxMacKeyRing? _lastGood;
    private DateTimeOffset _nextRefreshAt;

    internal KeyVaultOutboxMacKeys(SecretClient client, OutboxMacSettings settings, TimeSpan refreshInterval, TimeProvider clock, ILogger<KeyVaultOutboxMacKeys> logger)
    {
        _client = client;
        _settings = settings;
        _refreshInterval = refreshInterval;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The secret that holds the key <paramref name="keyId"/>.</summary>
    public static string SecretName(string keyId) => SecretPrefix + keyId;

    public async ValueTask<OutboxMacKeyRing> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lastGood) is { } cached && _clock.GetUtcNow() < _nextRefreshAt)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastGood is { } fresh && _clock.GetUtcNow() < _nextRefreshAt)
            {
                return fresh;
            }

            return await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<OutboxMacKeyRing> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var keyId in _settings.VerifyKeyIds.Prepend(_settings.CurrentKeyId).Distinct(StringComparer.Ordinal))
            {
                keys[keyId] = await ReadKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
            }

            var ring = new OutboxMacKeyRing(_settings.CurrentKeyId, keys);
            Volatile.Write(ref _lastGood, ring);
            _nextRefreshAt = _clock.GetUtcNow() + _refreshInterval;
            return ring;
        }
        catch (OutboxMacKeysUnavailableException exception) when (!cancellationToken.IsCancellationRequested)
        {
            _nextRefreshAt = _clock.GetUtcNow() + RetryAfterFailure;
            if (_lastGood is { } previous)
            {
                LogServingLastGood(_logger, exception.Message);
                return previous;
            }

            LogUnavailable(_logger, exception.Message);
            throw;
        }
    }

    private async Task<byte[]> ReadKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var name = SecretName(keyId);
        string value;
        try
        {
            value = (await _client.GetSecretAsync(name, version: null, cancellationToken).ConfigureAwait(false)).Value.Value ?? string.Empty;
        }
        catch (RequestFailedException exception)
        {
            // The exception's own message carries the response body; the status and error code are enough.
            throw new OutboxMacKeysUnavailableException(exception.Status switch
            {
                404 => $"Key Vault has no secret '{name}' (404 {exception.ErrorCode}); create it (docs/deploy.md, Outbox MAC key)",
                401 or 403 => $"Key Vault refused to read secret '{name}' ({exception.Status} {exception.ErrorCode}); give the app's identity the 'Key Vault Secrets User' role",
                _ => $"Key Vault failed reading secret '{name}' ({exception.Status} {exception.ErrorCode})",
            });
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutboxMacKeysUnavailableException)
        {
            throw new OutboxMacKeysUnavailableException($"Key Vault could not be reached reading secret '{name}' ({exception.GetType().Name})", exception);
        }

        var failures = new List<string>();
        return OutboxMacSettings.DecodeKey($"Key Vault secret '{name}'", value, failures)
            ?? throw new OutboxMacKeysUnavailableException(failures[0]);
    }

    [LoggerMessage(EventId = LogEvents.OutboxMacKeysServingLastGood, Level = LogLevel.Warning, Message = "Outbox MAC keys: refresh from Key Vault failed, the keys read before stay in use: {Reason}")]
    private static partial void LogServingLastGood(ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.OutboxMacKeysUnavailable, Level = LogLevel.Error, Message = "Outbox MAC keys could not be read from Key Vault; no record can be stored or published until they can: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
