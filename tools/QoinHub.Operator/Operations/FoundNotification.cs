using QoinHub.Merchant.AzureAdapters.Tables;

namespace QoinHub.OperatorTool.Operations;

/// <summary>
/// What the ledger holds about one notification: the external-id row it was found by (when looked
/// up by <c>X-EXTERNAL-ID</c>) and the outbox record of its payment fact, or <see langword="null"/>
/// when there is none (never stored, or deleted by retention).
/// </summary>
public sealed record FoundNotification(string MessageId, ExternalIdEntry? ExternalIdRow, LedgerEntry? Record)
{
    /// <summary><c>Received</c>, <c>Published</c>, or <c>none</c> when there is no record.</summary>
    public string State => Record?.State ?? "none";
}
