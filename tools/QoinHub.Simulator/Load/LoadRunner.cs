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
/// original's external id and body, as QoinHub's retries do.
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

    public async Task<LoadResult> RunAsync(LoadSettings settings, Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        sensitive?.Add(partner.ClientSecret);
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
            _ledger.Accepted);
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

            var spec = Next(index, settings);
            var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            var signed = NotificationRequests.Sign(endpoint, spec, partner.ClientId, partner.ClientSecret, token, SnapTime.Format(clock.GetUtcNow()));
            sensitive?.Add(signed.Signature);
            var response = await endpoint.SendAsync(signed.Request, cancellationToken).ConfigureAwait(false);
            latencies.Add(response.Elapsed.TotalMilliseconds);
            _answers.AddOrUpdate(response.Outcome, 1, (_, n) => n + 1);
            _ledger.Record(signed.Request, response);
            if (!response.Is(200, NotificationLedger.AcceptedCode))
            {
                Interlocked.Increment(ref _notAccepted);
            }

            Interlocked.Increment(ref _completed);
        }
    }

    private NotificationSpec Next(long index, LoadSettings settings)
    {
        lock (_originalsGate)
        {
            if (settings.IsDuplicate(index) && _originals.Count > 0)
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
