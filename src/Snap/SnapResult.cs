namespace QoinHub.Merchant.Snap;

/// <summary>A SNAP answer: the HTTP status, the JSON body and any response headers.</summary>
public sealed record SnapResult(int HttpStatus, string ResponseCode, string ResponseMessage, ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
