namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>Polls a condition that something else makes true, up to a deadline, instead of sleeping a guessed time.</summary>
internal static class Until
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting for {what} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }
}
