using System.Diagnostics;
using System.Globalization;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// Takes dependencies down and brings them back at random, from a seed: up for 1-4 s, then one
/// or both of them down (each in one of its ways of failing) for 0.3-3 s, until stopped; then
/// everything is brought back. Keeps the count and total length of each dependency's outages.
/// </summary>
internal sealed class OutageSchedule(int seed, IReadOnlyList<OutageTarget> targets)
{
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, (int Outages, TimeSpan Down)> _figures = targets.ToDictionary(target => target.Name, _ => (0, TimeSpan.Zero), StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ways = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(1000, 4000)), stop);
                var down = targets.Where(_ => _random.Next(100) < 60).ToList();
                if (down.Count == 0)
                {
                    down.Add(targets[_random.Next(targets.Count)]);
                }

                var started = Stopwatch.GetTimestamp();
                foreach (var target in down)
                {
                    var way = _random.Next(target.Ways.Count);
                    target.TakeDown(way);
                    _ways[target.Ways[way]] = _ways.GetValueOrDefault(target.Ways[way]) + 1;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(300, 3000)), stop);
                }
                finally
                {
                    foreach (var target in down)
                    {
                        target.BringBack();
                        var (outages, total) = _figures[target.Name];
                        _figures[target.Name] = (outages + 1, total + Stopwatch.GetElapsedTime(started));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The load has ended.
        }
        finally
        {
            foreach (var target in targets)
            {
                target.BringBack();
            }
        }
    }

    public int OutagesOf(string name) => _figures[name].Outages;

    public string Describe() => string.Join(", ", _figures.Select(pair =>
        string.Create(CultureInfo.InvariantCulture, $"{pair.Key} down {pair.Value.Outages} times for {pair.Value.Down.TotalSeconds:0.0} s in all"))) +
        " (" + string.Join(", ", _ways.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value}"))) + ")";
}

/// <summary>A dependency the schedule can take down in one of its <see cref="Ways"/> (named for the report), and bring back.</summary>
internal sealed record OutageTarget(string Name, IReadOnlyList<string> Ways, Action<int> TakeDown, Action BringBack);
