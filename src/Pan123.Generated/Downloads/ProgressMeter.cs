namespace Pan123;

/// <summary>
/// Progress at most ten times a second, with the average rate of this run. Safe to report from the
/// several connections of a ranged download.
/// </summary>
internal sealed class ProgressMeter(TimeProvider time, IProgress<DownloadProgress>? progress, long startedWith, long size, DownloadTrace trace)
{
    private readonly Lock _gate = new();
    private readonly long _startedAt = time.GetTimestamp();
    private long _lastReport = time.GetTimestamp();
    private long _received;

    /// <summary>Bytes received by this run.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Counts <paramref name="count"/> more bytes received.</summary>
    public void Add(int count)
    {
        Interlocked.Add(ref _received, count);
        trace.Received(count);
        Report(force: false);
    }

    /// <summary>Reports now, whatever the time since the last report.</summary>
    public void Finish() => Report(force: true);

    private void Report(bool force)
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

        var received = Received;
        var seconds = time.GetElapsedTime(_startedAt, now).TotalSeconds;
        progress.Report(new DownloadProgress(Math.Min(size, startedWith + received), size, seconds > 0 ? received / seconds : 0));
    }
}
