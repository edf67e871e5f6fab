using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Signs each Service Bus request with a SAS token made from a shared access key:
/// <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={url-encoded Base64 HMAC-SHA256}&amp;se={unix expiry}&amp;skn={key name}</c>,
/// where the HMAC key is the UTF-8 of the key as written in the connection string and the signed
/// string is <c>{url-encoded resource}\n{expiry}</c>. A token is reused until shortly before it expires.
/// </summary>
internal sealed class SharedAccessSignaturePolicy : HttpPipelineSynchronousPolicy
{
    /// <summary>How long a token is valid.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromHours(1);

    /// <summary>A token is replaced this long before it expires, so that none expires in flight or to clock skew.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly string _encodedResource;
    private readonly string _encodedKeyName;
    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;
    private SignedToken? _current;

    public SharedAccessSignaturePolicy(string resourceUri, string keyName, string key, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceUri);
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(timeProvider);

        _encodedResource = WebUtility.UrlEncode(resourceUri);
        _encodedKeyName = WebUtility.UrlEncode(keyName);
        _key = Encoding.UTF8.GetBytes(key);
        _timeProvider = timeProvider;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, CurrentToken());
    }

    internal string CurrentToken()
    {
        var now = _timeProvider.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is null || now >= current.ExpiresAt - RenewBefore)
        {
            // Two threads may both sign at the boundary; both tokens are valid, so no lock is needed.
            current = Sign(now + Validity);
            Volatile.Write(ref _current, current);
        }

        return current.Value;
    }

    private SignedToken Sign(DateTimeOffset expiresAt)
    {
        var expiry = expiresAt.ToUnixTimeSeconds();
        var expiryText = expiry.ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(_encodedResource + "\n" + expiryText)));
        var value = "SharedAccessSignature sr=" + _encodedResource
            + "&sig=" + WebUtility.UrlEncode(signature)
            + "&se=" + expiryText
            + "&skn=" + _encodedKeyName;
        return new SignedToken(value, DateTimeOffset.FromUnixTimeSeconds(expiry));
    }

    private sealed class SignedToken(string value, DateTimeOffset expiresAt)
    {
        public string Value { get; } = value;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public override string ToString() => "SharedAccessSignature (redacted)";
    }
}
