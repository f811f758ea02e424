namespace Pan123;

using System.Diagnostics.Metrics;

/// <summary>
/// The library's traces and metrics, both named <c>Pan123</c> (subscribe with
/// <c>AddSource("Pan123")</c> and <c>AddMeter("Pan123")</c>). No tag ever holds a token, a secret
/// or a download link: operation ids, file ids, codes, reasons, trace ids and counts only.
/// </summary>
internal static class Pan123Telemetry
{
    public const string Name = "Pan123";

    /// <summary>The event a span gets for each retry, with <c>pan123.retry.reason</c>.</summary>
    public const string RetryEvent = "pan123.retry";

    public static readonly System.Diagnostics.ActivitySource Source = new(Name);

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(Name);

    private static readonly System.Diagnostics.Metrics.Counter<long> Requests = Meter.CreateCounter<long>("pan123.requests", "{request}", "Platform calls, by operation and outcome (the envelope code, or http.<status>, or error).");

    private static readonly System.Diagnostics.Metrics.Counter<long> Retries = Meter.CreateCounter<long>("pan123.retries", "{retry}", "Platform calls sent again, by operation and reason (rate_limited, server_error, timeout, connection_error, file_verifying, token_renewal).");

    private static readonly System.Diagnostics.Metrics.Histogram<double> LimiterWait = Meter.CreateHistogram<double>("pan123.rate_limiter.wait", "s", "Time a call waited for its operation's rate limit (and any 429 pause).");

    private static readonly System.Diagnostics.Metrics.Counter<long> TokensFetched = Meter.CreateCounter<long>("pan123.tokens.fetched", "{token}", "Access tokens requested from the platform, by reason (first, expiry, renewal after a 401).");

    private static readonly System.Diagnostics.Metrics.Counter<long> CdnRetries = Meter.CreateCounter<long>("pan123.download.retries", "{retry}", "CDN requests sent again, by reason (cdn_throttled, cdn_dropped, cdn_error, link_refresh).");

    private static readonly System.Diagnostics.Metrics.Counter<long> LinkRefreshes = Meter.CreateCounter<long>("pan123.download.link_refreshes", "{link}", "download_info calls made again because the CDN refused the link in use (each spends quota).");

    private static readonly System.Diagnostics.Metrics.Counter<long> Redirects = Meter.CreateCounter<long>("pan123.download.redirects", "{redirect}", "CDN redirects followed.");

    private static readonly System.Diagnostics.Metrics.Counter<long> Resumes = Meter.CreateCounter<long>("pan123.download.resumes", "{download}", "Downloads that went on from bytes an earlier run left in the part file.");

    private static readonly System.Diagnostics.Metrics.Counter<long> BytesDownloaded = Meter.CreateCounter<long>("pan123.download.bytes", "By", "Bytes received from the CDN, by the outcome of the download they were for (downloaded, error, cancelled), recorded when it ends.");

    private static readonly System.Diagnostics.Metrics.Histogram<double> DownloadDuration = Meter.CreateHistogram<double>("pan123.download.duration", "s", "Time a file download took, by outcome.");

    private static readonly System.Diagnostics.Metrics.Counter<long> RedisOutages = Meter.CreateCounter<long>("pan123.redis.outages", "{outage}", "Times Redis, which the fleet shares tokens and limits through, was lost after it had been reached.");

    private static readonly System.Diagnostics.Metrics.Histogram<double> RedisWait = Meter.CreateHistogram<double>("pan123.redis.wait", "s", "Time a call waited for a lost Redis to return (or until it gave up).");

    public static void Request(string operation, string outcome) =>
        Requests.Add(1, new KeyValuePair<string, object?>("pan123.operation", operation), new KeyValuePair<string, object?>("pan123.outcome", outcome));

    /// <summary>Counts a retry of a platform call and adds it as an event to <paramref name="span"/>, when that is a Pan123 span.</summary>
    public static void Retry(System.Diagnostics.Activity? span, string operation, string reason, int attempt)
    {
        Retries.Add(1, new KeyValuePair<string, object?>("pan123.operation", operation), new KeyValuePair<string, object?>("pan123.retry.reason", reason));
        AddRetryEvent(span, reason, attempt);
    }

    /// <summary>Adds a retry event to <paramref name="span"/> if it is one of ours: never to a caller's span.</summary>
    public static void AddRetryEvent(System.Diagnostics.Activity? span, string reason, int attempt)
    {
        if (span is not null && span.Source == Source && span.IsAllDataRequested)
        {
            span.AddEvent(new System.Diagnostics.ActivityEvent(RetryEvent, tags: new System.Diagnostics.ActivityTagsCollection
            {
                ["pan123.retry.reason"] = reason,
                ["pan123.attempt"] = attempt,
            }));
        }
    }

    public static void Waited(string operation, TimeSpan wait) => LimiterWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("pan123.operation", operation));

    /// <summary>Counts a token request: <c>first</c>, <c>expiry</c> or <c>renewal</c> (after a 401).</summary>
    public static void TokenFetched(string reason) => TokensFetched.Add(1, new KeyValuePair<string, object?>("pan123.token.reason", reason));

    public static void CdnRetry(string reason) => CdnRetries.Add(1, new KeyValuePair<string, object?>("pan123.retry.reason", reason));

    public static void LinkRefreshed() => LinkRefreshes.Add(1);

    public static void Redirected() => Redirects.Add(1);

    public static void Resumed() => Resumes.Add(1);

    public static void DownloadFinished(TimeSpan duration, long bytes, string outcome)
    {
        var tag = new KeyValuePair<string, object?>("pan123.outcome", outcome);
        DownloadDuration.Record(duration.TotalSeconds, tag);
        if (bytes > 0)
        {
            BytesDownloaded.Add(bytes, tag);
        }
    }

    public static void RedisOutage() => RedisOutages.Add(1);

    public static void RedisWaited(TimeSpan wait) => RedisWait.Record(wait.TotalSeconds);
}
