using System.Diagnostics;
using System.Diagnostics.Metrics;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Telemetry;

/// <summary>
/// The app's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, with every span, attribute and instrument name the app emits. Only
/// System.Diagnostics: the host decides whether anything listens and where it goes. Nothing
/// recorded here may hold a token, secret, signature, header value (other than the partner id
/// and external id) or body.
/// </summary>
public static class MerchantTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "QoinHub.Merchant";

    /// <summary>The app's spans: token lookup, signature verification, ledger claim, publish, relay.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The app's metrics (see docs/operations.md, "Telemetry").</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Span names.</summary>
    public static class Spans
    {
        public const string TokenLookup = "token lookup";
        public const string SignatureVerification = "signature verification";
        public const string LedgerClaim = "ledger claim";
        public const string Publish = "publish";
        public const string RelayPublish = "relay publish";
        public const string RelayRun = "outbox relay";
    }

    /// <summary>Attribute (tag) names, on spans and metrics alike.</summary>
    public static class Attributes
    {
        public const string ServiceCode = "snap.service_code";
        public const string PartnerId = "snap.partner_id";
        public const string ExternalId = "snap.external_id";
        public const string ResponseCode = "snap.response_code";
        public const string BodyForm = "snap.body_form";
        public const string Dedupe = "snap.dedupe";
        public const string MessagingSystem = "messaging.system";
        public const string MessageId = "messaging.message.id";
        public const string MessagingOperation = "messaging.operation.type";
        public const string RefusalReason = "refusal.reason";
        public const string Outcome = "outcome";
        public const string LedgerOutcome = "ledger.outcome";
        public const string TokenState = "snap.token_state";
        public const string ErrorType = "error.type";
        public const string Claimant = "outbox.claimant";
    }

    /// <summary>Values of <see cref="Attributes.Dedupe"/> and <see cref="Attributes.LedgerOutcome"/>.</summary>
    public static class Dedupe
    {
        /// <summary>First receipt of this payment fact: recorded now and published.</summary>
        public const string New = "new";

        /// <summary>The same X-EXTERNAL-ID with the same payload again (QoinHub's retry).</summary>
        public const string Retry = "retry";

        /// <summary>A fact received before under another X-EXTERNAL-ID, CHANNEL-ID or day.</summary>
        public const string Replay = "replay";

        /// <summary>The same X-EXTERNAL-ID or the same fact with a different payload: refused 409.</summary>
        public const string Conflict = "conflict";

        /// <summary>A client over <c>Snap:MaxTokensPerMinute</c>.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>A token request sent again after the token issued for it expired.</summary>
        public const string Replayed = "replayed";
    }

    /// <summary>Values of <see cref="Attributes.RefusalReason"/>.</summary>
    /// <summary>Who claims an outbox record (the <c>outbox.claimant</c> tag).</summary>
    public static class Claimants
    {
        public const string Request = "request";
        public const string Relay = "relay";
        public const string Operator = "operator";
    }

    public static class Refusals
    {
        public const string InvalidRequest = "invalid_request";
        public const string BodyTooLarge = "body_too_large";
        public const string BodyIncomplete = "body_incomplete";
        public const string Timestamp = "timestamp";
        public const string ClientUnknown = "client_unknown";
        public const string Signature = "signature";
        public const string TokenUnknown = "token_unknown";
        public const string TokenExpired = "token_expired";
        public const string TokenOtherPartner = "token_other_partner";
        public const string Conflict = "conflict";

        /// <summary>A client over <c>Snap:MaxTokensPerMinute</c>.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>A token request sent again after the token issued for it expired.</summary>
        public const string Replayed = "replayed";
    }

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>(
        "qoinhub.snap.calls", "{call}", "SNAP calls answered, by service code and SNAP response code.");

    private static readonly Counter<long> RefusalCount = Meter.CreateCounter<long>(
        "qoinhub.snap.refusals", "{call}", "SNAP calls refused (4xx), by service code and reason.");

    private static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>(
        "qoinhub.publish.duration", "s", "How long handing one message to the queue took, by messaging system and outcome.");

    private static readonly Counter<long> PublishFailures = Meter.CreateCounter<long>(
        "qoinhub.publish.failures", "{message}", "Publish attempts the queue did not accept (the record stays for a retry or the relay).");

    private static readonly Counter<long> LedgerOutcomes = Meter.CreateCounter<long>(
        "qoinhub.ledger.outcomes", "{notification}", "Verified notifications by what the ledger made of them: new, retry, replay, conflict.");

    private static readonly Counter<long> TamperedRecords = Meter.CreateCounter<long>(
        "qoinhub.outbox.tampered", "{record}", "Outbox records found failing their MAC check (changed or written without the key), by who found them; none is published.");

    private static readonly Counter<long> TokensIssued = Meter.CreateCounter<long>(
        "qoinhub.tokens.issued", "{token}", "Access tokens issued, by partner.");

    private static readonly Counter<long> TokensRepeated = Meter.CreateCounter<long>(
        "qoinhub.tokens.repeated", "{request}", "Token requests sent again (same client, X-TIMESTAMP and signature) and answered with the token already issued, by partner.");

    private static OutboxSnapshot? _outbox;

    static MerchantTelemetry()
    {
        Meter.CreateObservableGauge(
            "qoinhub.outbox.pending",
            ObservePending,
            "{notification}",
            "Recorded notifications past the relay age that the last relay run left unpublished.");
        Meter.CreateObservableGauge(
            "qoinhub.outbox.oldest_pending_age",
            ObserveOldestAge,
            "s",
            "Age of the oldest notification the last relay run left unpublished (0 when none); grows while no relay runs.");
    }

    /// <summary>Counts an answered SNAP call and tags the call's (server) span with its codes; a 5xx answer marks it failed.</summary>
    public static void RecordCall(Activity? span, string serviceCode, string responseCode)
    {
        ArgumentNullException.ThrowIfNull(responseCode);
        span?.SetTag(Attributes.ServiceCode, serviceCode);
        span?.SetTag(Attributes.ResponseCode, responseCode);
        if (responseCode.StartsWith('5'))
        {
            span?.SetStatus(ActivityStatusCode.Error, "answered " + responseCode);
        }

        if (Calls.Enabled)
        {
            Calls.Add(1, new KeyValuePair<string, object?>(Attributes.ServiceCode, serviceCode), new KeyValuePair<string, object?>(Attributes.ResponseCode, responseCode));
        }
    }

    internal static void RecordRefusal(string serviceCode, string reason)
    {
        if (RefusalCount.Enabled)
        {
            RefusalCount.Add(1, new KeyValuePair<string, object?>(Attributes.ServiceCode, serviceCode), new KeyValuePair<string, object?>(Attributes.RefusalReason, reason));
        }
    }

    internal static void RecordPublish(string messagingSystem, bool success, TimeSpan duration)
    {
        if (PublishDuration.Enabled)
        {
            PublishDuration.Record(
                duration.TotalSeconds,
                new KeyValuePair<string, object?>(Attributes.MessagingSystem, messagingSystem),
                new KeyValuePair<string, object?>(Attributes.Outcome, success ? "success" : "failure"));
        }

        if (!success && PublishFailures.Enabled)
        {
            PublishFailures.Add(1, new KeyValuePair<string, object?>(Attributes.MessagingSystem, messagingSystem));
        }
    }

    internal static void RecordLedgerOutcome(string outcome) =>
        LedgerOutcomes.Add(1, new KeyValuePair<string, object?>(Attributes.LedgerOutcome, outcome));

    internal static void RecordTampered(string claimant) =>
        TamperedRecords.Add(1, new KeyValuePair<string, object?>(Attributes.Claimant, claimant));

    internal static void RecordTokenIssued(string partnerId) =>
        TokensIssued.Add(1, new KeyValuePair<string, object?>(Attributes.PartnerId, partnerId));

    internal static void RecordTokenRepeated(string partnerId) =>
        TokensRepeated.Add(1, new KeyValuePair<string, object?>(Attributes.PartnerId, partnerId));

    /// <summary>
    /// What the last relay run left unpublished, for the outbox gauges: they report it without
    /// asking storage, and the age keeps growing (on <paramref name="clock"/>) until the next run.
    /// </summary>
    internal static void RecordOutbox(int pending, DateTimeOffset? oldestFirstReceivedAt, TimeProvider clock) =>
        Volatile.Write(ref _outbox, new OutboxSnapshot(pending, oldestFirstReceivedAt, clock));

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, or null when there is none in W3C form.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>True when <paramref name="value"/> is a W3C traceparent of version 00 that names a trace and a span.</summary>
    public static bool IsTraceParent(string? value) =>
        value is { Length: 55 }
        && value.StartsWith("00-", StringComparison.Ordinal)
        && ActivityContext.TryParse(value, null, out var context)
        && context.TraceId != default
        && context.SpanId != default;

    /// <summary>The tag value of a body form: minified, javascript, php, python.</summary>
    public static string NameOf(BodyForm form) => form switch
    {
        BodyForm.Minified => "minified",
        BodyForm.JavaScript => "javascript",
        BodyForm.Php => "php",
        BodyForm.Python => "python",
        _ => "other",
    };

    /// <summary>Marks <paramref name="activity"/> failed, naming the exception's type only (its message may quote a dependency's answer).</summary>
    internal static void Fail(Activity? activity, Exception? exception, string description)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, description);
        if (exception is not null)
        {
            activity.SetTag(Attributes.ErrorType, exception.GetType().FullName);
        }
    }

    private static IEnumerable<Measurement<long>> ObservePending() =>
        Volatile.Read(ref _outbox) is { } snapshot ? [new Measurement<long>(snapshot.Pending)] : [];

    private static IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        if (Volatile.Read(ref _outbox) is not { } snapshot)
        {
            return [];
        }

        var age = snapshot.OldestFirstReceivedAt is { } oldest ? Math.Max(0, (snapshot.Clock.GetUtcNow() - oldest).TotalSeconds) : 0;
        return [new Measurement<double>(age)];
    }

    private sealed record OutboxSnapshot(int Pending, DateTimeOffset? OldestFirstReceivedAt, TimeProvider Clock);
}
