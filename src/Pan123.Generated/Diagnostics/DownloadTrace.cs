namespace Pan123;

/// <summary>
/// What one download tells the outside, in one place: its span (<c>Pan123 Download</c>, its file/detail
/// and download_info calls below it), the CDN retries, link refreshes, redirects and resumes as span
/// events, metrics and log lines, and at the end its bytes and duration by outcome.
/// </summary>
internal sealed class DownloadTrace : IDisposable
{
    private readonly System.Diagnostics.Activity? _span;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly long _fileId;
    private long _bytes;
    private string _outcome = "error";

    public DownloadTrace(long fileId, Pan123LinkSource linkSource, Microsoft.Extensions.Logging.ILogger logger, TimeProvider time)
    {
        (_fileId, _logger, _time) = (fileId, logger, time);
        _started = time.GetTimestamp();
        _span = Pan123Telemetry.Source.StartActivity("Pan123 Download", System.Diagnostics.ActivityKind.Internal);
        _span?.SetTag("pan123.file_id", fileId);
        _span?.SetTag("pan123.link_source", linkSource == Pan123LinkSource.DirectLink ? "direct_link" : "download_info");
    }

    /// <summary>Counts bytes received from the CDN for this download.</summary>
    public void Received(int count) => Interlocked.Add(ref _bytes, count);

    /// <summary>A CDN request failed and is sent again after <paramref name="delay"/>.</summary>
    public void CdnRetrying(TransferAttempt attempt, int failures, TimeSpan delay)
    {
        var reason = attempt.End switch
        {
            TransferEnd.Throttled => "cdn_throttled",
            TransferEnd.Dropped => "cdn_dropped",
            TransferEnd.LinkRefused => "link_refresh",
            _ => "cdn_error",
        };
        Pan123Telemetry.CdnRetry(reason);
        Pan123Telemetry.AddRetryEvent(_span, reason, failures + 1);
        if (attempt.End != TransferEnd.LinkRefused)
        {
            Pan123Log.CdnRetrying(_logger, _fileId, reason, attempt.Describe(), (long)delay.TotalMilliseconds);
        }
    }

    /// <summary>The CDN refused the link in use: a new download_info (spending quota) or direct-link/url call goes out.</summary>
    public void LinkRefreshing()
    {
        Pan123Telemetry.LinkRefreshed();
        Pan123Log.LinkRefreshing(_logger, _fileId);
    }

    /// <summary>The CDN redirected to <paramref name="to"/>.</summary>
    public void Redirected(int status, Uri to)
    {
        Pan123Telemetry.Redirected();
        Pan123Log.Redirected(_logger, _fileId, status, to.Host);
    }

    /// <summary>The download goes on from <paramref name="held"/> bytes an earlier run left.</summary>
    public void Resuming(long held, long size)
    {
        Pan123Telemetry.Resumed();
        _span?.AddEvent(new System.Diagnostics.ActivityEvent("pan123.resume", tags: new System.Diagnostics.ActivityTagsCollection { ["pan123.resumed_from"] = held }));
        Pan123Log.Resuming(_logger, _fileId, held, size);
    }

    /// <summary>Ends the span as a success and tags it with what was written or found.</summary>
    public void Succeeded(DownloadResult result)
    {
        _outcome = result.AlreadyDownloaded ? "already_present" : "downloaded";
        if (_span is not null)
        {
            _span.SetTag("pan123.bytes", result.Size);
            _span.SetTag("pan123.resumed_from", result.ResumedFrom);
            _span.SetTag("pan123.verified", result.Md5 is not null);
            _span.SetTag("pan123.already_downloaded", result.AlreadyDownloaded);
        }
    }

    /// <summary>Ends the span as a failure: <c>error.type</c> is the download failure, or the exception's type.</summary>
    public void Failed(Exception failure)
    {
        _outcome = failure is OperationCanceledException ? "cancelled" : "error";
        if (_span is not null)
        {
            _span.SetTag("error.type", failure is Pan123DownloadException download ? download.Failure.ToString() : failure.GetType().FullName);
            _span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failure.GetType().Name);
        }
    }

    public void Dispose()
    {
        Pan123Telemetry.DownloadFinished(_time.GetElapsedTime(_started), Interlocked.Read(ref _bytes), _outcome);
        _span?.Dispose();
    }
}
