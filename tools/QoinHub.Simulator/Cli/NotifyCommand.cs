using System.CommandLine;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Cli;

/// <summary><c>notify</c>: obtains a token, then signs and sends one Payment Notification Debit.</summary>
public static class NotifyCommand
{
    public static Command Create(TimeProvider clock)
    {
        var endpointOptions = new EndpointOptions();
        var credentialOptions = new CredentialOptions();
        var status = new Option<string>("--status") { Description = "latestTransactionStatus, 00 (Success) to 09 (Rejected)", DefaultValueFactory = _ => "00" };
        var partnerReference = new Option<string?>("--partner-reference") { Description = "originalPartnerReferenceNo (the merchant's order reference)" };
        var reference = new Option<string?>("--reference") { Description = "originalReferenceNo (QoinHub's transaction reference)" };
        var externalId = new Option<string?>("--external-id") { Description = "X-EXTERNAL-ID (numeric, at most 36 digits); a fresh one by default" };
        var channel = new Option<string>("--channel") { Description = "CHANNEL-ID", DefaultValueFactory = _ => NotificationSpec.DefaultChannelId };
        var description = new Option<string?>("--description") { Description = "transactionStatusDesc; the status's meaning by default" };
        var createdTime = new Option<string?>("--created-time") { Description = "createdTime (ISO-8601); a minute ago by default" };
        var bodyStyle = new Option<string>("--body-style") { Description = "How the body is written: compact, pretty, escaped (PHP json_encode)", DefaultValueFactory = _ => "compact" };
        bodyStyle.AcceptOnlyFromAmong("compact", "pretty", "escaped");
        var encoding = new Option<string>("--signature-encoding") { Description = "X-SIGNATURE encoding: base64, hex, hex-upper", DefaultValueFactory = _ => "base64" };
        encoding.AcceptOnlyFromAmong("base64", "hex", "hex-upper");
        var signOver = new Option<string>("--sign-over") { Description = "Body form the signature hashes: as-sent (minified), javascript, php, python", DefaultValueFactory = _ => "as-sent" };
        signOver.AcceptOnlyFromAmong("as-sent", "javascript", "php", "python");
        var signPath = new Option<string?>("--sign-path") { Description = "EndpointUrl to sign when the app sees another path than the caller (gateway); default: the path sent to" };
        var queueName = new Option<string?>("--queue-name") { Description = "The app's local Storage Queue (LocalQueue__Name): after a success, show the message that arrived there" };
        var queueConnectionString = new Option<string>("--queue-connection-string")
        {
            Description = "Connection string of the storage account of that queue",
            DefaultValueFactory = _ => "UseDevelopmentStorage=true",
        };

        var command = new Command("notify", "Obtains a token, then signs and sends a Payment Notification Debit; prints request and answer (token and signature shortened)")
        {
            status, partnerReference, reference, externalId, channel, description, createdTime, bodyStyle, encoding, signOver, signPath,
            queueName, queueConnectionString,
        };
        endpointOptions.AddTo(command);
        credentialOptions.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            using var partner = credentialOptions.Resolve(result);
            var queue = result.GetValue(queueName) is { } name ? QueueCommand.Checked(new QueueAccess(result.GetValue(queueConnectionString)!, name)) : null;
            var (endpoint, http) = endpointOptions.Create(result, clock);
            using (http)
            {
                var defaults = NotificationSpec.ForPayment(result.GetValue(externalId) ?? new ExternalIdGenerator(clock).Next(), clock.GetUtcNow().AddMinutes(-1), result.GetValue(status)!);
                var spec = defaults with
                {
                    ChannelId = result.GetValue(channel)!,
                    BodyForm = ParseBodyStyle(result.GetValue(bodyStyle)!),
                    SignatureEncoding = ParseEncoding(result.GetValue(encoding)!),
                    SignedForm = ParseSignOver(result.GetValue(signOver)!),
                    SignedPath = result.GetValue(signPath),
                    Payload = defaults.Payload with
                    {
                        OriginalPartnerReferenceNo = result.GetValue(partnerReference) ?? defaults.Payload.OriginalPartnerReferenceNo,
                        OriginalReferenceNo = result.GetValue(reference) ?? defaults.Payload.OriginalReferenceNo,
                        TransactionStatusDesc = result.GetValue(description) ?? defaults.Payload.TransactionStatusDesc,
                        CreatedTime = result.GetValue(createdTime) ?? defaults.Payload.CreatedTime,
                    },
                };

                var token = await new AccessTokenClient(endpoint, clock).ObtainAsync(partner, cancellationToken);
                Console.Out.WriteLine($"Access token {Redaction.Shorten(token.AccessToken)} obtained, expires in {token.ExpiresIn.TotalSeconds:0} s");
                Console.Out.WriteLine();
                var signed = NotificationRequests.Sign(endpoint, spec, partner.ClientId, partner.ClientSecret, token.AccessToken, SnapTime.Format(clock.GetUtcNow()));
                Redaction.WriteRequest(Console.Out, endpoint, signed.Request);
                Console.Out.WriteLine();
                var response = await endpoint.SendAsync(signed.Request, cancellationToken);
                Redaction.WriteResponse(Console.Out, response);
                if (!response.Is(200, NotificationLedger.AcceptedCode))
                {
                    return ExitCodes.Failure;
                }

                return queue is null ? ExitCodes.Success : await ShowQueuedAsync(queue, partner.ClientId, spec.ExternalId, cancellationToken);
            }
        }));
        return command;
    }

    /// <summary>Prints the envelope the app put on the queue for this notification; a success that is not on the queue is a failure.</summary>
    private static async Task<int> ShowQueuedAsync(QueueAccess queue, string partnerId, string externalId, CancellationToken cancellationToken)
    {
        var message = await LocalQueueReader.FindAsync(
            queue, message => message.PartnerId == partnerId && message.ExternalId == externalId, cancellationToken);
        Console.Out.WriteLine();
        if (message is null)
        {
            Console.Out.WriteLine($"Not on queue {queue.QueueName}: no message for {partnerId}/{externalId}.");
            return ExitCodes.Failure;
        }

        Console.Out.WriteLine($"On queue {queue.QueueName}:");
        Console.Out.WriteLine(message.Text);
        return ExitCodes.Success;
    }

    /// <summary><c>--body-style</c>: its values predate <see cref="JsonForm"/> and are kept so existing scripts still work.</summary>
    public static JsonForm ParseBodyStyle(string value) => value switch
    {
        "pretty" => JsonForm.Pretty,
        "escaped" => JsonForm.Php,
        _ => JsonForm.JavaScript,
    };

    public static SignatureEncoding ParseEncoding(string value) => value switch
    {
        "hex" => SignatureEncoding.Hex,
        "hex-upper" => SignatureEncoding.HexUpper,
        _ => SignatureEncoding.Base64,
    };

    /// <summary><c>--sign-over</c>: <c>as-sent</c> is the sent bytes minified.</summary>
    public static JsonForm ParseSignOver(string value) => value switch
    {
        "javascript" => JsonForm.JavaScript,
        "php" => JsonForm.Php,
        "python" => JsonForm.Python,
        _ => JsonForm.Minified,
    };
}
