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
        var detail = Assert.Single(_spans, s => s.DisplayName == "Pan123 GetFileDetail");
        Assert.Equal(4300L, detail.GetTagItem("pan123.file_id"));
        Assert.Equal(0, detail.GetTagItem("pan123.code"));
        Assert.Equal(2, detail.GetTagItem("pan123.attempts"));
        Assert.EndsWith("_sandbox", (string?)detail.GetTagItem("pan123.trace_id"), StringComparison.Ordinal);
        Assert.Single(_spans, s => s.DisplayName == "Pan123 GetDownloadInfo");
        Assert.Single(_spans, s => s.DisplayName == "Pan123 GetAccessToken");
        var download = Assert.Single(_spans, s => s.DisplayName == "Pan123 Download");
        Assert.Equal((4300L, 2_000_000L, 0L, true), ((long?)download.GetTagItem("pan123.file_id"), (long?)download.GetTagItem("pan123.bytes"), (long?)download.GetTagItem("pan123.resumed_from"), (bool?)download.GetTagItem("pan123.verified")));
        Assert.All(_spans.Where(s => s.DisplayName.StartsWith("Pan123", StringComparison.Ordinal)), s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.Equal(root.SpanId, download.ParentSpanId);

        var names = _metrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "pan123.requests", "pan123.retries", "pan123.rate_limiter.wait", "pan123.tokens.fetched", "pan123.download.bytes", "pan123.download.duration" }, names);
        Assert.Equal(2_000_000, Sum(_metrics.Single(m => m.Name == "pan123.download.bytes")));
        Assert.Equal(1, Sum(_metrics.Single(m => m.Name == "pan123.tokens.fetched")));
        Assert.Equal("s", _metrics.Single(m => m.Name == "pan123.download.duration").Unit);
    }

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

    private static double Sum(Metric metric) => Points(metric).Sum(p => metric.MetricType == MetricType.LongSum ? p.GetSumLong() : p.GetSumDouble());

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
