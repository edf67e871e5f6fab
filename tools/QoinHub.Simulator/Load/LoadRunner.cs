using System.Collections.Concurrent;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Load;

/// <summary>
/// Sends signed notifications from <see cref="LoadSettings.Concurrency"/> workers, each with a
/// fresh timestamp and signature; originals get a fresh external id, duplicates resend an earlier
/// original's external id and body, as QoinHub's retries do. With <see cref="LoadSettings.MaxRetries"/>,
/// a notification answered 5xx (or not at all) is retried as QoinHub does, up to a number of times
/// drawn for it, and a refused token request is waited out instead of ending the run.
/// </summary>
public sealed class LoadRunner(
    SnapEndpoint endpoint,
    SimulatedPartner partner,
    AccessTokenCache tokens,
    TimeProvider clock,
    SensitiveValues? sensitive)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Duplicates resend one of the most recent originals; older ones are forgotten so long runs stay small.</summary>
    private const int RememberedOriginals = 10_000;

    private readonly ExternalIdGenerator _externalIds = new(clock);
    private readonly NotificationLedger _ledger = new(keepBodies: false);
    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);
    private readonly List<NotificationSpec> _originals = [];
    private readonly Lock _originalsGate = new();
    private long _issued;
    private long _completed;
    private long _duplicates;
    private long _notAccepted;
    private long _retries;
    private long _tokenRefusals;
    private long _finalAccepted;
    private long _finalFailedAfterRetries;
    private long _finalFailedNeverRetried;
    private long _finalOther;
    private readonly ConcurrentQueue<NotificationOutcome> _outcomes = new();
    private readonly Lock _randomGate = new();
    private Random? _random;

    /// <summary>Consecutive refused token requests a worker waits out before the run gives up.</summary>
    private const int MaxTokenRefusals = 120;

    public async Task<LoadResult> RunAsync(LoadSettings settings, Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        sensitive?.Add(partner.ClientSecret);
        _random = new Random(settings.Seed);
        var started = clock.GetTimestamp();
        var latencies = new List<double>[settings.Concurrency];
        var workers = new Task[settings.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            latencies[i] = [];
            workers[i] = WorkAsync(settings, started, latencies[i], cancellationToken);
        }

        var all = Task.WhenAll(workers);
        using (var timer = new PeriodicTimer(ProgressInterval, clock))
        {
            while (!all.IsCompleted && await Task.WhenAny(all, timer.WaitForNextTickAsync(cancellationToken).AsTask()).ConfigureAwait(false) != all)
            {
                progress?.Invoke(new LoadProgress(Interlocked.Read(ref _completed), Interlocked.Read(ref _notAccepted), clock.GetElapsedTime(started)));
            }
        }

        await all.ConfigureAwait(false);
        var elapsed = clock.GetElapsedTime(started);
        return new LoadResult(
            Interlocked.Read(ref _completed),
            Interlocked.Read(ref _duplicates),
            elapsed,
            LatencySummary.Of(latencies.SelectMany(list => list).ToList()),
            new SortedDictionary<string, long>(_answers, StringComparer.Ordinal),
            tokens.TokensObtained,
            _ledger.Accepted)
        {
            Retries = Interlocked.Read(ref _retries),
            TokenRefusals = Interlocked.Read(ref _tokenRefusals),
            Finals = new FinalAnswers(
                Interlocked.Read(ref _finalAccepted), Interlocked.Read(ref _finalFailedAfterRetries), Interlocked.Read(ref _finalFailedNeverRetried), Interlocked.Read(ref _finalOther)),
            Notifications = [.. _outcomes],
        };
    }

    private async Task WorkAsync(LoadSettings settings, long started, List<double> latencies, CancellationToken cancellationToken)
    {
        // Workers start on the thread pool so that one slow first request does not delay the others.
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (settings.Duration is { } duration && clock.GetElapsedTime(started) >= duration)
            {
                return;
            }

            var index = Interlocked.Increment(ref _issued) - 1;
            if (settings.Count is { } count && index >= count)
            {
                return;
            }

            var spec = Next(index, settings, out var duplicate);
            var retriesAllowed = settings.MaxRetries > 0 ? DrawRetries(settings.MaxRetries) : 0;
            var answers = new List<string>(1);
            var retried = 0;
            while (true)
            {
                var token = await GetTokenAsync(settings, cancellationToken).ConfigureAwait(false);
                var signed = NotificationRequests.Sign(endpoint, spec, partner.ClientId, partner.ClientSecret, token, SnapTime.Format(clock.GetUtcNow()));
                sensitive?.Add(signed.Signature);
                var response = await endpoint.SendAsync(signed.Request, cancellationToken).ConfigureAwait(false);
                latencies.Add(response.Elapsed.TotalMilliseconds);
                _answers.AddOrUpdate(response.Outcome, 1, (_, n) => n + 1);
                _ledger.Record(signed.Request, response);
                answers.Add(response.Outcome);
                if (!response.Is(200, NotificationLedger.AcceptedCode))
                {
                    Interlocked.Increment(ref _notAccepted);
                }

                Interlocked.Increment(ref _completed);
                if (retried == retriesAllowed || !NotificationOutcome.IsRetriable(response.Status, response.TransportError))
                {
                    Finish(spec, duplicate, retriesAllowed, answers, response, settings.RecordNotifications);
                    break;
                }

                retried++;
                Interlocked.Increment(ref _retries);
                await Task.Delay(settings.RetryDelay, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A token; when retrying, a refused token request is waited out (QoinHub tries again later).</summary>
    private async Task<string> GetTokenAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        for (var refused = 0; ; refused++)
        {
            try
            {
                return await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AccessTokenRefusedException) when (settings.MaxRetries > 0 && refused < MaxTokenRefusals)
            {
                Interlocked.Increment(ref _tokenRefusals);
                await Task.Delay(settings.RetryDelay, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private int DrawRetries(int max)
    {
        lock (_randomGate)
        {
            return _random!.Next(max + 1);
        }
    }

    private void Finish(NotificationSpec spec, bool duplicate, int retriesAllowed, List<string> answers, SnapHttpResponse last, bool record)
    {
        if (last.Is(200, NotificationLedger.AcceptedCode))
        {
            Interlocked.Increment(ref _finalAccepted);
        }
        else if (!NotificationOutcome.IsRetriable(last.Status, last.TransportError))
        {
            Interlocked.Increment(ref _finalOther);
        }
        else if (answers.Count > 1)
        {
            Interlocked.Increment(ref _finalFailedAfterRetries);
        }
        else
        {
            Interlocked.Increment(ref _finalFailedNeverRetried);
        }

        if (record)
        {
            _outcomes.Enqueue(new NotificationOutcome(
                partner.ClientId, spec.ExternalId, spec.ChannelId, spec.Payload.OriginalReferenceNo, spec.Payload.LatestTransactionStatus,
                duplicate, retriesAllowed, answers, last.Outcome));
        }
    }

    private NotificationSpec Next(long index, LoadSettings settings, out bool duplicate)
    {
        lock (_originalsGate)
        {
            duplicate = settings.IsDuplicate(index) && _originals.Count > 0;
            if (duplicate)
            {
                Interlocked.Increment(ref _duplicates);
                return _originals[Random.Shared.Next(_originals.Count)];
            }

            var spec = NotificationSpec.ForPayment(_externalIds.Next(), clock.GetUtcNow().AddSeconds(-5));
            if (_originals.Count < RememberedOriginals)
            {
                _originals.Add(spec);
            }
            else
            {
                _originals[(int)(index % RememberedOriginals)] = spec;
            }

            return spec;
        }
    }
}
