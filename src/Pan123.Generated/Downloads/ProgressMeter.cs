namespace Pan123;

/// <summary>
/// Progress at most ten times a second, with the average rate of this run. Safe to report from the
/// several connections of a ranged download.
/// </summary>
internal sealed class ProgressMeter(TimeProvider time, IProgress<DownloadProgress>? progress, long startedWith, long size)
{
    private readonly Lock _gate = new();
    private readonly long _startedAt = time.GetTimestamp();
    private long _lastReport = time.GetTimestamp();

    /// <summary>Bytes the file had before this run.</summary>
    public long StartedWith => startedWith;

    public void Report(long written, bool force)
    {
        if (progress is null)
        {
            return;
        }

        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!force && time.GetElapsedTime(_lastReport, now) < TimeSpan.FromMilliseconds(100))
            {
                return;
            }

            _lastReport = now;
        }

        var seconds = time.GetElapsedTime(_startedAt, now).TotalSeconds;
        progress.Report(new DownloadProgress(written, size, seconds > 0 ? (written - startedWith) / seconds : 0));
    }
}
