using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>
/// The Pan123 spans and instruments, exported by OpenTelemetry's in-memory exporter, and no secret in
/// any of them. The source and meter are process-wide, so these tests run alone: no other test's
/// spans or counts can land in what they read.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : SandboxTest
{
    private static readonly ActivitySource Caller = new("Pan123.Tests.Caller");

    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];

    [Fact]
    public async Task Calls_and_downloads_are_spans_under_the_callers_activity_with_their_tags_and_instruments()
    {
        var file = Sandbox.AddFile(4300, "t.bin", 2_000_000);
        Sandbox.Faults.AnswerNextApiCalls(1, 429, path: "/api/v1/file/detail");
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Pan123", "System.Net.Http", Caller.Name).AddInMemoryExporter(_spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter("Pan123").AddInMemoryExporter(_metrics).Build();
        var provider = Services(client: o => { o.AccessToken = null; o.ClientId = SandboxPlatform.DemoClientId; o.ClientSecret = SandboxPlatform.DemoClientSecret; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); });

        using (var caller = Caller.StartActivity("caller"))
        {
            await provider.GetRequiredService<Pan123Downloader>().DownloadFileAsync(file.FileId, PathOf("t.bin"));
        }

        tracing.ForceFlush();
        metrics.ForceFlush();
        var root = Assert.Single(_spans, s => s.DisplayName == "caller");
        var download = Assert.Single(_spans, s => s.DisplayName == "Pan123 Download");
        var detail = Assert.Single(_spans, s => s.DisplayName == "Pan123 GetFileDetail");
        Assert.Equal(4300L, detail.GetTagItem("pan123.file_id"));
        Assert.Equal(0, detail.GetTagItem("pan123.code"));
        Assert.Equal(2, detail.GetTagItem("pan123.attempts"));
        Assert.EndsWith("_sandbox", (string?)detail.GetTagItem("pan123.trace_id"), StringComparison.Ordinal);
        var link = Assert.Single(_spans, s => s.DisplayName == "Pan123 GetDownloadInfo");
        var token = Assert.Single(_spans, s => s.DisplayName == "Pan123 GetAccessToken");
        Assert.Equal((4300L, 2_000_000L, 0L, true), ((long?)download.GetTagItem("pan123.file_id"), (long?)download.GetTagItem("pan123.bytes"), (long?)download.GetTagItem("pan123.resumed_from"), (bool?)download.GetTagItem("pan123.verified")));
        Assert.Equal("download_info", download.GetTagItem("pan123.link_source"));
        Assert.All(_spans.Where(s => s.DisplayName.StartsWith("Pan123", StringComparison.Ordinal)), s => Assert.Equal(root.TraceId, s.TraceId));

        // The whole download, its file/detail call included, under one span; the logical operations are
        // Internal spans, and HttpClient's Client spans (one per attempt) sit below them.
        Assert.Equal(root.SpanId, download.ParentSpanId);
        Assert.Equal(download.SpanId, detail.ParentSpanId);
        Assert.Equal(download.SpanId, link.ParentSpanId);
        Assert.All(new[] { download, detail, link, token }, s => Assert.Equal(ActivityKind.Internal, s.Kind));
        var detailAttempts = _spans.Where(s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == detail.SpanId).ToList();
        Assert.Equal(2, detailAttempts.Count);
        Assert.All(detailAttempts, s => Assert.Equal(ActivityKind.Client, s.Kind));
        Assert.All(detailAttempts, s => Assert.Equal(("GET", "127.0.0.1", 200), (s.GetTagItem("http.request.method"), s.GetTagItem("server.address"), s.GetTagItem("http.response.status_code"))));

        // The 429 that succeeded on retry leaves its trace: an event with the reason, a count by reason.
        var retry = Assert.Single(detail.Events);
        Assert.Equal(("pan123.retry", "rate_limited"), (retry.Name, retry.Tags.Single(t => t.Key == "pan123.retry.reason").Value as string));

        var names = _metrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "pan123.requests", "pan123.retries", "pan123.rate_limiter.wait", "pan123.tokens.fetched", "pan123.download.bytes", "pan123.download.duration" }, names);
        Assert.Equal(2_000_000, Sum(_metrics.Single(m => m.Name == "pan123.download.bytes"), ("pan123.outcome", "downloaded")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.tokens.fetched"), ("pan123.token.reason", "first")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.retries"), ("pan123.retry.reason", "rate_limited")));
        Assert.Equal("s", _metrics.Single(m => m.Name == "pan123.download.duration").Unit);
    }

    [Fact]
    public async Task A_token_renewal_a_cdn_retry_a_link_refresh_a_redirect_and_a_resume_are_each_an_event_a_count_and_a_reason()
    {
        var file = Sandbox.AddFile(4302, "r.bin", 3_000_000);
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Pan123").AddInMemoryExporter(_spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter("Pan123").AddInMemoryExporter(_metrics).Build();
        var provider = Services(
            download: o => o.MaxConnections = 1,
            client: o => { o.AccessToken = null; o.ClientId = SandboxPlatform.DemoClientId; o.ClientSecret = SandboxPlatform.DemoClientSecret; o.RetryBaseDelay = TimeSpan.FromMilliseconds(10); });
        var downloader = provider.GetRequiredService<Pan123Downloader>();

        // A first run cancelled once bytes are on disk: the second run resumes from them.
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(20);
        using (var stop = new CancellationTokenSource())
        {
            var first = downloader.DownloadFileAsync(file.FileId, PathOf("r.bin"), cancellationToken: stop.Token);
            await Pan123.Tests.Support.Poll.UntilAsync(() => File.Exists(PathOf("r.bin.part")) && new FileInfo(PathOf("r.bin.part")).Length > 600_000, timeoutSeconds: 30);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        Sandbox.Faults.AnswerNextApiCalls(1, 401, path: "/api/v1/file/detail");   // the token is renewed once
        Sandbox.Faults.FailNextCdnRequests(1, 403);                               // the link is refused: a new one
        Sandbox.Faults.CdnRedirectHops = 1;
        await downloader.DownloadFileAsync(file.FileId, PathOf("r.bin"));
        Sandbox.Faults.FailNextCdnRequests(1, 503);
        await downloader.DownloadAsync(file.FileId, new MemoryStream());           // a CDN retry after a 503

        tracing.ForceFlush();
        metrics.ForceFlush();
        var downloads = _spans.Where(s => s.DisplayName == "Pan123 Download").ToList();
        Assert.Equal(3, downloads.Count);
        Assert.Equal(ActivityStatusCode.Error, downloads[0].Status);
        Assert.EndsWith("CanceledException", downloads[0].GetTagItem("error.type") as string, StringComparison.Ordinal);
        Assert.Contains(downloads[1].Events, e => e.Name == "pan123.resume");
        Assert.Contains(downloads[1].Events, e => e.Name == "pan123.retry" && Reason(e) == "link_refresh");
        Assert.Contains(downloads[2].Events, e => e.Name == "pan123.retry" && Reason(e) == "cdn_throttled");
        var renewed = _spans.Single(s => s.DisplayName == "Pan123 GetFileDetail" && s.Events.Any(e => Reason(e) == "token_renewal"));
        Assert.Equal(downloads[1].SpanId, renewed.ParentSpanId);

        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.tokens.fetched"), ("pan123.token.reason", "renewal")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.retries"), ("pan123.retry.reason", "token_renewal")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.download.retries"), ("pan123.retry.reason", "cdn_throttled")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.download.retries"), ("pan123.retry.reason", "link_refresh")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.download.link_refreshes")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.download.resumes")));
        Assert.True(Sum(_metrics.Single(m => m.Name == "pan123.download.redirects")) >= 2);
        var bytes = _metrics.Single(m => m.Name == "pan123.download.bytes");
        Assert.InRange(Sum(bytes, ("pan123.outcome", "cancelled")), 600_000, 3_000_000);
        Assert.Equal(3_000_000 * 2 - Sum(bytes, ("pan123.outcome", "cancelled")), Sum(bytes, ("pan123.outcome", "downloaded")));
    }

    [Fact]
    public async Task A_failed_call_is_an_error_span_whose_error_type_is_the_platform_code()
    {
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Pan123").AddInMemoryExporter(_spans).Build();
        Sandbox.Faults.AnswerNextApiCalls(1, 5066, path: "/api/v1/file/detail");

        await Assert.ThrowsAsync<Pan123ApiException>(() => Services().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        tracing.ForceFlush();
        var detail = Assert.Single(_spans, s => s.DisplayName == "Pan123 GetFileDetail");
        Assert.Equal((ActivityStatusCode.Error, "5066"), (detail.Status, detail.GetTagItem("error.type") as string));
    }

    private static string? Reason(ActivityEvent e) => e.Tags.FirstOrDefault(t => t.Key == "pan123.retry.reason").Value as string;

    [Fact]
    public async Task No_token_secret_or_download_link_is_ever_a_tag_value_not_even_in_HttpClients_own_spans()
    {
        var file = Sandbox.AddFile(4301, "s.bin", 300_000);
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("Pan123", "System.Net.Http").AddInMemoryExporter(_spans).Build();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter("Pan123", "System.Net.Http").AddInMemoryExporter(_metrics).Build();
        var provider = Services(client: o => { o.AccessToken = null; o.ClientId = SandboxPlatform.DemoClientId; o.ClientSecret = SandboxPlatform.DemoClientSecret; });

        await provider.GetRequiredService<Pan123Downloader>().DownloadFileAsync(file.FileId, PathOf("s.bin"));
        tracing.ForceFlush();
        metrics.ForceFlush();

        var token = Sandbox.Requests.First(r => r.Path == "/api/v1/file/detail").Headers["Authorization"]["Bearer ".Length..];
        var signature = System.Web.HttpUtility.ParseQueryString(CdnRequests.First().Query)["sign"]!;
        Assert.Contains(_spans, s => s.Source.Name == "System.Net.Http");
        var values = _spans.SelectMany(s => s.TagObjects.Select(t => $"{s.DisplayName} {t.Key}={t.Value}"))
            .Concat(_metrics.SelectMany(m => Points(m).SelectMany(p => Tags(p)).Select(t => $"{m.Name} {t.Key}={t.Value}")))
            .ToList();
        Assert.NotEmpty(values);
        foreach (var secret in new[] { token, SandboxPlatform.DemoClientSecret, signature })
        {
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static double Sum(Metric metric, (string Key, string Value)? tag = null) =>
        Points(metric).Where(p => tag is not { } wanted || Tags(p).Any(t => t.Key == wanted.Key && Equals(t.Value, wanted.Value)))
            .Sum(p => metric.MetricType == MetricType.LongSum ? p.GetSumLong() : p.GetSumDouble());

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry, alone";
}
