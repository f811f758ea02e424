namespace Pan123.Tests.Support;

/// <summary>Waits for something that happens on another thread (a background checkpoint, a connection opened), never longer than a timeout.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, int timeoutSeconds = 10)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!condition())
        {
            await Task.Delay(5, patience.Token);
        }
    }
}
