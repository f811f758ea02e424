namespace Pan123.Cli;

/// <summary>
/// A test-only pause between a download's last verified byte and its rename, so the crash tests can
/// kill the tool exactly there. Off unless <c>PAN123_TEST_PAUSE_BEFORE_RENAME</c> names a file, which
/// is created when the pause starts.
/// </summary>
internal static class CrashTestPause
{
    public static Func<CancellationToken, Task>? FromEnvironment()
    {
        var marker = Environment.GetEnvironmentVariable("PAN123_TEST_PAUSE_BEFORE_RENAME");
        return string.IsNullOrEmpty(marker)
            ? null
            : async cancellationToken =>
            {
                await System.IO.File.WriteAllTextAsync(marker, "paused", cancellationToken).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            };
    }
}
