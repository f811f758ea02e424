using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Tests.Support;

namespace Pan123.Tests.Resilience;

/// <summary>Retries through AddPan123Client's pipeline, on a fake clock: no test here sleeps through a backoff.</summary>
public sealed class RetryTests
{
    private const string DownloadInfoPath = "/api/v1/file/download_info";

    private static PlatformServices Platform(Func<int, HttpResponseMessage> answer, Action<Pan123ClientOptions>? configure = null) =>
        new((_, n) => answer(n), services => services.AddPan123Client(o =>
        {
            o.AccessToken = "static";
            configure?.Invoke(o);
        }));

    public static TheoryData<string, Func<HttpResponseMessage>> Transient => new()
    {
        { "HTTP 503", () => PlatformServices.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable) },
        { "HTTP 502", () => PlatformServices.Json("<html>502</html>", HttpStatusCode.BadGateway) },
        { "HTTP 429", () => PlatformServices.Json(MockPlatform.Envelope(429, "请求太频繁"), HttpStatusCode.TooManyRequests) },
        { "body code 429", () => PlatformServices.Json(MockPlatform.Envelope(429, "请求太频繁")) },
        { "body code 20103", () => PlatformServices.Json(MockPlatform.Envelope(20103, "文件正在校验中")) },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task Transient_failures_are_retried_until_success(string name, Func<HttpResponseMessage> failure)
    {
        await using var platform = Platform(n => n <= 2 ? failure() : PlatformServices.DownloadInfo());
        DownloadInfoResponse? info = null;

        await platform.RunOnClockAsync(async () => info = await platform.Files().GetDownloadInfoAsync(1));

        Assert.True(info is not null, name);
        Assert.Equal(3, platform.Requests.Count);
    }

    [Theory]
    [InlineData(Pan123ErrorCodes.FileNotFound)]
    [InlineData(Pan123ErrorCodes.DownloadQuotaExceeded)]
    [InlineData(Pan123ErrorCodes.InternalError)]
    [InlineData(Pan123ErrorCodes.InvalidAccessToken)]
    public async Task Final_codes_are_never_retried(int code)
    {
        await using var platform = Platform(_ => PlatformServices.Json(MockPlatform.Envelope(code, "x")));
        Exception? error = null;

        // The clock moves, so a retry (a regression) would be sent and counted instead of waiting forever.
        await platform.RunOnClockAsync(async () => error = await Record.ExceptionAsync(() => platform.Files().GetDownloadInfoAsync(1)));

        Assert.Equal(code, Assert.IsType<Pan123ApiException>(error).ErrorCode);
        Assert.Single(platform.Requests);
    }

    [Fact]
    public async Task Attempts_are_bounded_and_the_last_failure_reaches_the_caller()
    {
        await using var platform = Platform(_ => PlatformServices.Json(MockPlatform.Envelope(429, "请求太频繁")), o => o.MaxRetryAttempts = 2);
        Exception? error = null;

        await platform.RunOnClockAsync(async () => error = await Record.ExceptionAsync(() => platform.Files().GetDownloadInfoAsync(1)));

        Assert.Equal(429, Assert.IsType<Pan123ApiException>(error).ErrorCode);
        Assert.Equal(3, platform.Requests.Count);
    }

    [Fact]
    public async Task Backoff_grows_between_attempts_on_the_clock()
    {
        // With jitter one sample need not grow, so the third gap is compared with the first over many calls
        // (measured: about 2x on average; a constant backoff would give 1x).
        var firstGaps = new List<double>();
        var thirdGaps = new List<double>();
        for (var run = 0; run < 20; run++)
        {
            await using var platform = Platform(n => n <= 3 ? PlatformServices.Json("", HttpStatusCode.ServiceUnavailable) : PlatformServices.DownloadInfo(),
                o => o.RetryBaseDelay = TimeSpan.FromSeconds(2));

            await platform.RunOnClockAsync(() => platform.Files().GetDownloadInfoAsync(1), step: TimeSpan.FromMilliseconds(200));

            var at = platform.Requests.Select(r => r.At).ToList();
            Assert.Equal(4, at.Count);
            var gaps = at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
            Assert.All(gaps, gap => Assert.True(gap > 0, $"gap {gap}"));
            firstGaps.Add(gaps[0]);
            thirdGaps.Add(gaps[2]);
        }

        Assert.True(thirdGaps.Average() > 1.4 * firstGaps.Average(), $"first gaps average {firstGaps.Average():0.00} s, third {thirdGaps.Average():0.00} s");
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        await using var platform = Platform(n =>
        {
            if (n > 1)
            {
                return PlatformServices.DownloadInfo();
            }

            var busy = PlatformServices.Json("", HttpStatusCode.ServiceUnavailable);
            busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return busy;
        });

        await platform.RunOnClockAsync(() => platform.Files().GetDownloadInfoAsync(1));

        var at = platform.Requests.Select(r => r.At).ToList();
        Assert.InRange(at[1] - at[0], TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7.5));
    }

    [Fact]
    public async Task Code_20103_waits_about_one_second()
    {
        await using var platform = Platform(n => n == 1 ? PlatformServices.Json(MockPlatform.Envelope(20103, "文件正在校验中")) : PlatformServices.DownloadInfo(),
            o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(10));

        await platform.RunOnClockAsync(() => platform.Files().GetDownloadInfoAsync(1), step: TimeSpan.FromMilliseconds(50));

        var at = platform.Requests.Select(r => r.At).ToList();
        Assert.InRange(at[1] - at[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.3));
    }

    [Fact]
    public async Task Each_attempt_is_logged_with_operation_code_trace_and_delay()
    {
        await using var platform = Platform(n => n == 1 ? PlatformServices.Json(MockPlatform.Envelope(429, "请求太频繁")) : PlatformServices.DownloadInfo());

        await platform.RunOnClockAsync(() => platform.Files().GetDownloadInfoAsync(1));

        var records = platform.Logs.Collector.GetSnapshot().Where(r => r.Category == "Pan123").ToList();
        var attempts = records.Where(r => r.Id.Id == 5).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Contains("GET /api/v1/file/download_info attempt 1: HTTP 200, code 429, x-traceID " + MockPlatform.TraceId, attempts[0].Message, StringComparison.Ordinal);
        var retry = Assert.Single(records, r => r.Id.Id == 6);
        Assert.Contains("code 429", retry.Message, StringComparison.Ordinal);
        Assert.Matches("retrying in [0-9]+ ms", retry.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_retries()
    {
        await using var platform = Platform(_ => PlatformServices.Json("", HttpStatusCode.ServiceUnavailable));
        using var cts = new CancellationTokenSource();

        var call = platform.Files().GetDownloadInfoAsync(1, cts.Token);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (platform.Requests.IsEmpty)
            {
                await Task.Delay(1, patience.Token);
            }
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));

        // Past every backoff: a retry that survived the cancellation would be sent now.
        platform.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.Single(platform.Requests);
    }
}
