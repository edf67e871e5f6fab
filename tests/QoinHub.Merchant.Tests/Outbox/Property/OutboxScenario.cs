using System.Globalization;
using System.Text;

namespace QoinHub.Merchant.Tests.Outbox.PropertyBased;

/// <summary>
/// One generated run of the outbox state machine: a few payment facts and steps of operations that
/// run concurrently within a step; between steps the clock may jump (past a lease, past the relay age).
/// Everything is drawn from <see cref="Seed"/>, so a scenario is rebuilt exactly from it.
/// </summary>
internal sealed record OutboxScenario(int Seed, int Facts, IReadOnlyList<ScenarioStep> Steps)
{
    public int Operations => Steps.Sum(step => step.Operations.Count);

    public static OutboxScenario Generate(int seed, OutboxTiming timing)
    {
        var random = new Random(seed);
        var facts = random.Next(2, 5);
        var operations = random.Next(5, 21);
        var uses = new List<SenderIds>[facts];
        for (var f = 0; f < facts; f++)
        {
            uses[f] = [];
        }

        var nextExternalId = 0;
        var steps = new List<ScenarioStep>();
        while (operations > 0)
        {
            var inStep = Math.Min(operations, random.Next(1, 5));
            operations -= inStep;
            var step = new List<ScenarioOperation>(inStep);

            // Most deliveries of a step concern one fact, so that claimants race for the same record.
            var contended = random.Next(facts);
            for (var i = 0; i < inStep; i++)
            {
                step.Add(NextOperation(random, uses, random.Next(100) < 60 ? contended : random.Next(facts), ref nextExternalId));
            }

            var advance = random.Next(100) switch
            {
                < 45 => TimeSpan.Zero,
                < 65 => TimeSpan.FromSeconds(1),
                < 85 => timing.ClaimLease + TimeSpan.FromSeconds(1),
                _ => timing.RelayAfter + TimeSpan.FromSeconds(1),
            };
            steps.Add(new ScenarioStep(step, advance));
        }

        return new OutboxScenario(seed, facts, steps);
    }

    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"scenario {Seed}: {Facts} facts, {Operations} operations in {Steps.Count} steps");
        for (var i = 0; i < Steps.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  step {i}: {string.Join(" | ", Steps[i].Operations)}");
            if (Steps[i].AdvanceAfter > TimeSpan.Zero)
            {
                text.Append(CultureInfo.InvariantCulture, $"; then clock +{Steps[i].AdvanceAfter.TotalSeconds:0}s");
            }
        }

        return text.ToString();
    }

    private static ScenarioOperation NextOperation(Random random, List<SenderIds>[] uses, int fact, ref int nextExternalId)
    {
        var roll = random.Next(100);
        var delay = random.Next(0, 10);
        if (roll < 12)
        {
            return new RelayRunOperation(delay);
        }

        if (roll < 20)
        {
            return new BrokerTroubleOperation(delay, random.Next(1, 4), Hang: random.Next(100) < 30);
        }

        var fault = random.Next(100) switch
        {
            < 62 => DeliveryFault.None,
            < 72 => DeliveryFault.CrashAfterClaim,
            < 78 => DeliveryFault.CrashAfterPublish,
            < 86 => DeliveryFault.LostAnswer,
            _ => DeliveryFault.HangUp,
        };
        var hangUpAfter = fault == DeliveryFault.HangUp ? random.Next(0, 40) : 0;

        SenderIds use;
        DeliveryKind kind;
        var known = uses[fact];
        var kindRoll = random.Next(100);
        if (known.Count == 0 || kindRoll < 10)
        {
            kind = known.Count == 0 ? DeliveryKind.First : DeliveryKind.Replay;
            use = new SenderIds(NewExternalId(ref nextExternalId), "95221", DayOffset: 0, OtherBody: false);
            known.Add(use);
        }
        else if (kindRoll < 50)
        {
            // QoinHub's retry: the same X-EXTERNAL-ID, CHANNEL-ID, day and body.
            kind = DeliveryKind.Retry;
            use = known[random.Next(known.Count)];
        }
        else if (kindRoll < 85)
        {
            // The same fact under another X-EXTERNAL-ID, CHANNEL-ID or day: publishes nothing new.
            kind = DeliveryKind.Replay;
            use = new SenderIds(NewExternalId(ref nextExternalId), random.Next(2) == 0 ? "95221" : "95222", DayOffset: random.Next(3) == 0 ? 1 : 0, OtherBody: false);
            known.Add(use);
        }
        else if (kindRoll < 93)
        {
            // The same fact with another body (another description): refused once a record exists.
            kind = DeliveryKind.Conflict;
            use = new SenderIds(NewExternalId(ref nextExternalId), "95221", DayOffset: 0, OtherBody: true);
        }
        else
        {
            // An X-EXTERNAL-ID of another fact, the same day, for this fact: refused once that id is recorded.
            var others = Enumerable.Range(0, uses.Length).Where(other => other != fact && uses[other].Count > 0).ToList();
            if (others.Count == 0)
            {
                kind = DeliveryKind.Retry;
                use = known[random.Next(known.Count)];
            }
            else
            {
                kind = DeliveryKind.ExternalIdOfOtherFact;
                var borrowed = uses[others[random.Next(others.Count)]];
                use = borrowed[random.Next(borrowed.Count)] with { OtherBody = false };
            }
        }

        return new DeliveryOperation(delay, fact, kind, use, fault, hangUpAfter);
    }

    private static string NewExternalId(ref int next) => (++next).ToString("D6", CultureInfo.InvariantCulture);
}

/// <summary>The outbox settings a scenario is run with (on the fake clock).</summary>
internal sealed record OutboxTiming(TimeSpan ClaimLease, TimeSpan RelayAfter);

internal sealed record ScenarioStep(IReadOnlyList<ScenarioOperation> Operations, TimeSpan AdvanceAfter);

/// <summary>One operation; <see cref="DelayMs"/> staggers it within its step.</summary>
internal abstract record ScenarioOperation(int DelayMs);

internal sealed record RelayRunOperation(int DelayMs) : ScenarioOperation(DelayMs)
{
    public override string ToString() => "relay";
}

/// <summary>The broker answers the next <see cref="Count"/> sends, whoever makes them, with 503 or not at all.</summary>
internal sealed record BrokerTroubleOperation(int DelayMs, int Count, bool Hang) : ScenarioOperation(DelayMs)
{
    public override string ToString() => $"broker {(Hang ? "hangs" : "503")} x{Count}";
}

internal sealed record DeliveryOperation(int DelayMs, int Fact, DeliveryKind Kind, SenderIds Use, DeliveryFault Fault, int HangUpAfterMs) : ScenarioOperation(DelayMs)
{
    public override string ToString() =>
        $"{Kind} fact{Fact} ext {Use.ExternalId}/{Use.ChannelId}/+{Use.DayOffset}d{(Use.OtherBody ? " other body" : string.Empty)}" +
        (Fault == DeliveryFault.None ? string.Empty : Fault == DeliveryFault.HangUp ? $" hang-up@{HangUpAfterMs}ms" : " " + Fault);
}

/// <summary>How a delivery names itself: X-EXTERNAL-ID, CHANNEL-ID, the day of X-TIMESTAMP, which body.</summary>
internal sealed record SenderIds(string ExternalId, string ChannelId, int DayOffset, bool OtherBody);

internal enum DeliveryKind
{
    First,
    Retry,
    Replay,
    Conflict,
    ExternalIdOfOtherFact,
}

internal enum DeliveryFault
{
    None,

    /// <summary>The process dies right after its claim is stored: nothing publishes or releases it, the lease must lapse.</summary>
    CrashAfterClaim,

    /// <summary>The process dies after the broker accepted the message and before the ledger marked it.</summary>
    CrashAfterPublish,

    /// <summary>The broker accepted the message but its answer never arrived: the publisher reports a failure.</summary>
    LostAnswer,

    /// <summary>The caller (QoinHub) hangs up after a few milliseconds.</summary>
    HangUp,
}
