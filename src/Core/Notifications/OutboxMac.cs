using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The MAC (HMAC-SHA256) each outbox record carries, so that a record changed or written by someone
/// who may write the ledger's table but does not hold the key is never published. It covers the key
/// id, every field that identifies the record (message id, partner, <c>X-EXTERNAL-ID</c>,
/// <c>CHANNEL-ID</c>, both references, status, payload hash, Asia/Jakarta day) and the envelope
/// byte for byte, each written as its length (4 bytes, big-endian) and its bytes, so that no two
/// records share an input. The message id must also be the one those fields give
/// (<see cref="NotificationEnvelope.MessageIdFor"/>). Not covered: state, lease, attempts and publish
/// times, which claimants change without the key and which never reach the queue.
/// </summary>
public static class OutboxMac
{
    /// <summary>The first field of every MAC input: changes with the layout of the input.</summary>
    private const string Version = "qoinhub-outbox-record-mac-v1";

    /// <summary>Signs <paramref name="record"/> with the current key of <paramref name="keys"/>.</summary>
    public static RecordMac Sign(OutboxMacKeyRing keys, OutboxRecord record)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(record);
        return new RecordMac(keys.CurrentKeyId, Compute(keys.Keys[keys.CurrentKeyId], keys.CurrentKeyId, record));
    }

    /// <summary>Null when <paramref name="mac"/> is <paramref name="record"/>'s MAC under <paramref name="keyId"/>; otherwise what is wrong, for logs and operators.</summary>
    public static string? Problem(OutboxMacKeyRing keys, OutboxRecord record, string? keyId, byte[]? mac)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrEmpty(keyId) || mac is null || mac.Length == 0)
        {
            return "it carries no MAC";
        }

        if (!keys.Keys.TryGetValue(keyId, out var key))
        {
            return $"its MAC key id '{Shorten(keyId)}' is not one this app holds";
        }

        var message = record.Message;
        if (!string.Equals(message.MessageId, NotificationEnvelope.MessageIdFor(message.PartnerId, message.OriginalReferenceNo, message.LatestTransactionStatus), StringComparison.Ordinal))
        {
            return "its message id is not the one of its partner, reference and status";
        }

        return CryptographicOperations.FixedTimeEquals(Compute(key, keyId, record), mac) ? null : "its MAC does not match its content";
    }

    private static byte[] Compute(byte[] key, string keyId, OutboxRecord record)
    {
        var message = record.Message;
        using var input = new MemoryStream(message.Envelope.Length + 512);
        Write(input, Version);
        Write(input, keyId);
        Write(input, message.MessageId);
        Write(input, message.PartnerId);
        Write(input, message.ExternalId);
        Write(input, message.ChannelId);
        Write(input, message.OriginalPartnerReferenceNo);
        Write(input, message.OriginalReferenceNo);
        Write(input, message.LatestTransactionStatus);
        Write(input, record.PayloadHash);
        Write(input, record.JakartaDay.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
        Write(input, message.Envelope.Span);
        return HMACSHA256.HashData(key, input.GetBuffer().AsSpan(0, (int)input.Length));
    }

    private static void Write(MemoryStream input, string value) => Write(input, Encoding.UTF8.GetBytes(value));

    private static void Write(MemoryStream input, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        input.Write(length);
        input.Write(value);
    }

    /// <summary>A key id read from the table is shown, but never more than a short prefix of it.</summary>
    private static string Shorten(string keyId) => keyId.Length <= 40 ? keyId : keyId[..40] + "…";
}

/// <summary>A record's MAC and the id of the key it was made with.</summary>
public sealed record RecordMac(string KeyId, byte[] Mac);

/// <summary>
/// The outbox MAC keys: the one new records are signed with, and every one a stored record may be
/// verified with (the current one and those still listed after a rotation).
/// </summary>
public sealed record OutboxMacKeyRing(string CurrentKeyId, IReadOnlyDictionary<string, byte[]> Keys);

/// <summary>Where the outbox MAC keys come from: configuration when run locally, Key Vault when deployed.</summary>
public interface IOutboxMacKeys
{
    /// <exception cref="OutboxMacKeysUnavailableException">The keys cannot be read now (a dependency failure: 5xx).</exception>
    ValueTask<OutboxMacKeyRing> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The outbox MAC keys could not be read (Key Vault down, a secret missing or malformed); the message names the secret, never its value.</summary>
public sealed class OutboxMacKeysUnavailableException : Exception
{
    public OutboxMacKeysUnavailableException()
    {
    }

    public OutboxMacKeysUnavailableException(string message)
        : base(message)
    {
    }

    public OutboxMacKeysUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
