using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pan123;

/// <summary>
/// The library's traces and metrics, both named <c>Pan123</c> (subscribe with
/// <c>AddSource("Pan123")</c> and <c>AddMeter("Pan123")</c>). No tag ever holds a token, a secret
/// or a download link: operation ids, file ids, codes, trace ids and counts only.
/// </summary>
internal static class Pan123Telemetry
{
    public const string Name = "Pan123";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("pan123.requests", "{request}", "Platform calls, by operation and outcome (the envelope code, or http.<status>, or error).");

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("pan123.retries", "{retry}", "Attempts retried after a transient failure, by operation.");

    private static readonly Histogram<double> LimiterWait = Meter.CreateHistogram<double>("pan123.rate_limiter.wait", "s", "Time a call waited for its operation's rate limit (and any 429 pause).");

    private static readonly Counter<long> TokensFetched = Meter.CreateCounter<long>("pan123.tokens.fetched", "{token}", "Access tokens requested from the platform.");

    private static readonly Counter<long> BytesDownloaded = Meter.CreateCounter<long>("pan123.download.bytes", "By", "Bytes received from the CDN.");

    private static readonly Histogram<double> DownloadDuration = Meter.CreateHistogram<double>("pan123.download.duration", "s", "Time a file download took, by outcome.");

    private static readonly Counter<long> RedisOutages = Meter.CreateCounter<long>("pan123.redis.outages", "{outage}", "Times Redis, which the fleet shares tokens and limits through, was lost after it had been reached.");

    private static readonly Histogram<double> RedisWait = Meter.CreateHistogram<double>("pan123.redis.wait", "s", "Time a call waited for a lost Redis to return (or until it gave up).");

    public static void RedisOutage() => RedisOutages.Add(1);

    public static void RedisWaited(TimeSpan wait) => RedisWait.Record(wait.TotalSeconds);

    public static void Request(string operation, string outcome) =>
        Requests.Add(1, new KeyValuePair<string, object?>("pan123.operation", operation), new KeyValuePair<string, object?>("pan123.outcome", outcome));

    public static void Retry(string operation) => Retries.Add(1, new KeyValuePair<string, object?>("pan123.operation", operation));

    public static void Waited(string operation, TimeSpan wait) => LimiterWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("pan123.operation", operation));

    public static void TokenFetched() => TokensFetched.Add(1);

    public static void Downloaded(long bytes)
    {
        if (bytes > 0)
        {
            BytesDownloaded.Add(bytes);
        }
    }

    public static void DownloadFinished(TimeSpan duration, string outcome) =>
        DownloadDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("pan123.outcome", outcome));
}
