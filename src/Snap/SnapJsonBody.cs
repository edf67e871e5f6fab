using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// A request body parsed once, with the forms a sender may have signed it in, each built at most
/// once and only when asked for. Field validation, the payload's identity and signature
/// verification all read this one parse.
/// </summary>
public sealed class SnapJsonBody : IDisposable
{
    private readonly JsonDocument _document;
    private readonly byte[]?[] _forms = new byte[]?[Enum.GetValues<BodyForm>().Length];
    private readonly bool[] _unavailable = new bool[Enum.GetValues<BodyForm>().Length];

    private SnapJsonBody(ReadOnlyMemory<byte> raw, JsonDocument document)
    {
        Raw = raw;
        _document = document;
    }

    /// <summary>The body exactly as received.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    public JsonElement Root => _document.RootElement;

    /// <summary>Parses <paramref name="body"/>; false when it is not one JSON value.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out SnapJsonBody? parsed)
    {
        try
        {
            parsed = new SnapJsonBody(body, JsonDocument.Parse(body));
            return true;
        }
        catch (JsonException)
        {
            parsed = null;
            return false;
        }
    }

    /// <summary>
    /// Where a key is sent more than once in one object (<c>additionalInfo.channel</c>), or
    /// <see langword="null"/> when the keys of every object are unique.
    /// </summary>
    public string? FindDuplicateKey() => DuplicateKeys.FirstIn(Root);

    /// <summary>
    /// The body in <paramref name="form"/>, or <see langword="null"/> when it has no such form: a
    /// string holding an escaped lone surrogate cannot be decoded, so no encoder could have written it.
    /// </summary>
    public byte[]? Form(BodyForm form)
    {
        var index = (int)form;
        if (_forms[index] is { } built)
        {
            return built;
        }

        if (_unavailable[index])
        {
            return null;
        }

        try
        {
            built = form == BodyForm.Minified ? JsonMinifier.Minify(Raw.Span) : JsonReserializer.Serialize(Root, form);
        }
        catch (InvalidOperationException)
        {
            _unavailable[index] = true;
            return null;
        }

        _forms[index] = built;
        return built;
    }

    public void Dispose() => _document.Dispose();
}
