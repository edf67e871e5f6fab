using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The fields of a Payment Notification Debit body that the merchant acts on. The body itself is
/// forwarded unchanged (unknown fields included); this only validates and reads it.
/// </summary>
public sealed partial record PaymentNotification(
    string CreatedTime,
    string LatestTransactionStatus,
    string OriginalPartnerReferenceNo,
    string OriginalReferenceNo,
    string TransactionStatusDesc,
    string PayloadHash)
{
    private const int MaxReferenceLength = 64;
    private const int MaxDescriptionLength = 256;

    /// <summary>Validates the parsed body (a JSON object); on failure returns the SNAP refusal naming the field.</summary>
    public static SnapResult? TryParse(SnapJsonBody body, SnapResponses service, out PaymentNotification? notification)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(service);
        notification = null;
        var root = body.Root;
        string? createdTime = null, status = null, partnerReference = null, reference = null, description = null;
        var refusal = ReadString(root, "createdTime", service, MaxReferenceLength, ref createdTime)
            ?? ReadString(root, "latestTransactionStatus", service, 2, ref status)
            ?? ReadString(root, "originalPartnerReferenceNo", service, MaxReferenceLength, ref partnerReference)
            ?? ReadString(root, "originalReferenceNo", service, MaxReferenceLength, ref reference)
            ?? ReadString(root, "transactionStatusDesc", service, MaxDescriptionLength, ref description, allowEmpty: true);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SnapTimestamp.TryParse(createdTime, out _))
        {
            return service.InvalidFieldFormat("createdTime", "Use ISO-8601 with a zone, e.g. 2024-08-23T07:44:11+07:00.");
        }

        if (!Status().IsMatch(status!))
        {
            return service.InvalidFieldFormat("latestTransactionStatus", "It must be a two-digit code from 00 to 09.");
        }

        if (root.TryGetProperty("additionalInfo", out var additionalInfo) &&
            additionalInfo.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return service.InvalidFieldFormat("additionalInfo", "It must be a JSON object when present.");
        }

        // The payload's identity for dedupe: the body re-serialized canonically (compact, minimal
        // escaping, keys in received order), so a retry that formats or escapes the same JSON
        // differently is still the same notification.
        if (body.Form(BodyForm.JavaScript) is not { } canonical)
        {
            return service.BadRequest("The body holds a string with an escaped lone surrogate (\\uD800-\\uDFFF without its pair), which is not text; escape whole characters only.");
        }

        notification = new PaymentNotification(createdTime!, status!, partnerReference!, reference!, description!, Convert.ToHexStringLower(SHA256.HashData(canonical)));
        return null;
    }

    private static SnapResult? ReadString(JsonElement root, string name, SnapResponses service, int maxLength, ref string? value, bool allowEmpty = false)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return service.MissingMandatoryField(name);
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return service.InvalidFieldFormat(name, "It must be a JSON string.");
        }

        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return service.InvalidFieldFormat(name, "It holds an escaped lone surrogate (\\uD800-\\uDFFF without its pair); escape whole characters only.");
        }

        if (value.Length == 0 && !allowEmpty)
        {
            return service.MissingMandatoryField(name);
        }

        return value.Length > maxLength ? service.InvalidFieldFormat(name, $"It must be at most {maxLength} characters.") : null;
    }

    [GeneratedRegex(@"^0[0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Status();
}
