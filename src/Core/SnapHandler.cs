using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant;

/// <summary>
/// One SNAP call's handler. This is the one place where a failure of ours (a dependency down or
/// slow, an unexpected exception) becomes the service's <c>500xx00</c>, so that QoinHub retries;
/// handlers themselves only decide refusals and successes.
/// </summary>
public abstract partial class SnapHandler(SnapResponses responses, ILogger logger)
{
    /// <summary>The answers of this handler's SNAP service.</summary>
    public SnapResponses Responses { get; } = responses;

    /// <summary>
    /// Answers <paramref name="request"/>. Never throws for a dependency failure; throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    public async Task<SnapResult> HandleAsync(SnapRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await HandleCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (PartnerDirectoryUnavailableException exception)
        {
            // The directory logged what failed, with its stack trace where one helps; its message
            // (never a secret) says which client and why. One stack trace per failure, not two.
            LogDirectoryFailure(logger, Responses.Name, exception.Message);
            MerchantTelemetry.Fail(System.Diagnostics.Activity.Current, exception, "the partner directory is unavailable");
            return Responses.GeneralError();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailure(logger, Responses.Name, exception.GetType().Name, exception);
            MerchantTelemetry.Fail(System.Diagnostics.Activity.Current, exception, "a dependency is unavailable or failed");
            return Responses.GeneralError();
        }
    }

    /// <summary>
    /// Answers <paramref name="request"/> within <paramref name="deadline"/>, every dependency and
    /// retry included: the dependencies' calls are cancelled at the deadline and the caller is
    /// answered the service's <c>500xx00</c>, so that it retries. Work that does not take the
    /// cancellation (a publish of a recorded notification, which must not be cut) goes on in the
    /// background, as it does after a hang-up; the record is there for the retry or the relay.
    /// </summary>
    public async Task<SnapResult> HandleAsync(SnapRequest request, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        var work = HandleAsync(request, limit.Token);
        try
        {
            return await work.WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogDeadline(logger, Responses.Name, (long)deadline.TotalMilliseconds);
            MerchantTelemetry.Fail(System.Diagnostics.Activity.Current, exception, "the call's deadline passed");
            return Responses.GeneralError();
        }
        finally
        {
            // The background work may still hold the token; the source goes once that work ends.
            _ = work.ContinueWith(_ => limit.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The refusal of a body over <paramref name="maxBodyBytes"/>. The host enforces the limit while
    /// reading (it never buffers more than the limit), so handlers only see bodies within it.
    /// </summary>
    public SnapResult RefuseOversizedBody(int maxBodyBytes) =>
        Refused(Responses.BadRequest($"The body is larger than {maxBodyBytes} bytes."), "body over the limit", MerchantTelemetry.Refusals.BodyTooLarge);

    /// <summary>
    /// The refusal of a body that did not arrive whole (cut short, malformed chunks, or too slow for the
    /// server's minimum data rate), counted with the other refusals. The host logs the transport's reason.
    /// </summary>
    public SnapResult RefuseIncompleteBody()
    {
        MerchantTelemetry.RecordRefusal(Responses.Code, MerchantTelemetry.Refusals.BodyIncomplete);
        return Responses.BadRequest("The body did not arrive whole and in time; send the whole body at once.");
    }

    protected abstract Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken);

    /// <summary>Logs a refusal (the caller's fault, a warning), counts it by <paramref name="reason"/> and returns it.</summary>
    /// <param name="reason">One of <see cref="MerchantTelemetry.Refusals"/>.</param>
    protected SnapResult Refused(SnapResult refusal, string caller, string reason)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        MerchantTelemetry.RecordRefusal(Responses.Code, reason);
        LogRefused(logger, Responses.Name, refusal.ResponseCode, LogText.Escape(caller), LogText.Escape(refusal.ResponseMessage));
        return refusal;
    }

    [LoggerMessage(EventId = LogEvents.CallFailed, Level = LogLevel.Error, Message = "{Service} failed ({ExceptionType}): a dependency is unavailable or failed; answered 500 so that QoinHub retries")]
    private static partial void LogFailure(ILogger logger, string service, string exceptionType, Exception exception);

    [LoggerMessage(EventId = LogEvents.CallFailedPartnerDirectory, Level = LogLevel.Error, Message = "{Service} failed: {Reason}; answered 500 so that QoinHub retries")]
    private static partial void LogDirectoryFailure(ILogger logger, string service, string reason);

    [LoggerMessage(EventId = LogEvents.CallDeadlinePassed, Level = LogLevel.Error, Message = "{Service} took longer than its deadline ({DeadlineMs} ms, Snap__CallDeadline): a dependency is slow or hung; answered 500 so that QoinHub retries")]
    private static partial void LogDeadline(ILogger logger, string service, long deadlineMs);

    [LoggerMessage(EventId = LogEvents.CallRefused, Level = LogLevel.Warning, Message = "{Service} refused with {ResponseCode} ({Caller}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string service, string responseCode, string caller, string reason);
}
