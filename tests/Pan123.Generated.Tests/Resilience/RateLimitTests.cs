using Microsoft.Extensions.DependencyInjection;
using Pan123.Tests.Support;

namespace Pan123.Tests.Resilience;

/// <summary>The per-operation, per-account rate limits, on a fake clock. Every wait has a real-time bound, so a regression fails instead of hanging.</summary>
public sealed class RateLimitTests
{
    private const string DownloadInfoPath = "/api/v1/file/download_info";

    [Fact]
    public async Task A_burst_of_50_download_info_calls_is_held_to_5_per_second()
    {
        await using var platform = new PlatformServices((_, _) => PlatformServices.DownloadInfo(), s => s.AddPan123Client(o => o.AccessToken = "t"));
        var files = platform.Files();

        await AssertHeldToAsync(platform, Enumerable.Range(0, 50).Select(_ => files.GetDownloadInfoAsync(1)).ToList(), perSecond: 5);
    }

    // Window by window on the fake clock: N more calls go out each time the clock moves past the window, never more.
    private static async Task AssertHeldToAsync(PlatformServices platform, IReadOnlyCollection<Task> calls, int perSecond, string path = DownloadInfoPath)
    {
        var seconds = (calls.Count + perSecond - 1) / perSecond;
        for (var second = 1; second <= seconds; second++)
        {
            var expected = Math.Min(perSecond * second, calls.Count);
            await SettledCountAsync(platform, expected, path);
            Assert.Equal(expected, platform.To(path).Count());

            // Just short of the window nothing more may go out; at the window the next N go.
            platform.Clock.Advance(Pan123RateLimiters.Window - TimeSpan.FromMilliseconds(1));
            await SettledCountAsync(platform, expected, path);
            Assert.Equal(expected, platform.To(path).Count());
            platform.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        var sent = platform.To(path).Select(r => r.At).Order().ToList();
        Assert.All(sent, start => Assert.True(sent.Count(t => t >= start && t - start < TimeSpan.FromSeconds(1)) <= perSecond));
        Assert.Equal(seconds, platform.To(path).Select(r => r.At).Distinct().Count());
    }

    // Waits (in real time, bounded) until the expected requests have arrived and no further one follows at once.
    private static async Task SettledCountAsync(PlatformServices platform, int expected, string path)
    {
        for (var waited = 0; waited < 5000 && platform.To(path).Count() < expected; waited += 5)
        {
            await Task.Delay(5);
        }

        await Task.Delay(30);
    }

    [Fact]
    public async Task Endpoints_without_a_documented_limit_are_not_held()
    {
        await using var platform = new PlatformServices((_, _) => PlatformServices.Detail(), s => s.AddPan123Client(o => o.AccessToken = "t"));
        var files = platform.Files();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => files.GetFileDetailAsync(1))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(50, platform.Requests.Count);
        Assert.Single(platform.Requests.Select(r => r.At).Distinct());
    }

    [Fact]
    public async Task The_limit_is_configurable()
    {
        await using var platform = new PlatformServices((_, _) => PlatformServices.DownloadInfo(), s => s.AddPan123Client(o =>
        {
            o.AccessToken = "t";
            o.RequestsPerSecond["GetDownloadInfo"] = 2;
        }));
        var files = platform.Files();

        await AssertHeldToAsync(platform, Enumerable.Range(0, 10).Select(_ => files.GetDownloadInfoAsync(1)).ToList(), perSecond: 2);
    }

    [Fact]
    public async Task The_limit_holds_behind_a_gateway_whose_base_address_has_a_path()
    {
        await using var platform = new PlatformServices((_, _) => PlatformServices.DownloadInfo(), s => s.AddPan123Client(o =>
        {
            o.AccessToken = "t";
            o.BaseAddress = new Uri("https://gateway.example/pan123/");
        }));
        var files = platform.Files();

        await AssertHeldToAsync(platform, Enumerable.Range(0, 10).Select(_ => files.GetDownloadInfoAsync(1)).ToList(), perSecond: 5, path: "/pan123" + DownloadInfoPath);
    }

    [Fact]
    public void A_limit_keyed_by_path_is_refused_at_start_up_naming_the_operation_ids()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new PlatformServices((_, _) => PlatformServices.DownloadInfo(), s => s.AddPan123Client(o =>
        {
            o.AccessToken = "t";
            o.RequestsPerSecond[DownloadInfoPath] = 2;
        })));

        Assert.Contains("GetDownloadInfo", error.Message, StringComparison.Ordinal);
        Assert.Contains(DownloadInfoPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_accounts_in_one_process_do_not_throttle_each_other()
    {
        await using var platform = new PlatformServices((_, _) => PlatformServices.DownloadInfo(), s =>
        {
            s.AddPan123Client("a", o => o.AccessToken = "token-a");
            s.AddPan123Client("b", o => o.AccessToken = "token-b");
        });

        // Account a uses up its five calls for this second; account b's five still go out at once.
        var a = Task.WhenAll(Enumerable.Range(0, 10).Select(_ => platform.Files("a").GetDownloadInfoAsync(1)));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => platform.Files("b").GetDownloadInfoAsync(1))).WaitAsync(TimeSpan.FromSeconds(30));

        var start = platform.Clock.GetUtcNow();
        Assert.Equal(5, platform.To(DownloadInfoPath).Count(r => r.Token == "token-b" && r.At == start));
        Assert.Equal(5, platform.To(DownloadInfoPath).Count(r => r.Token == "token-a"));
        Assert.False(a.IsCompleted);
        await platform.RunOnClockAsync(() => a);
        Assert.Equal(10, platform.To(DownloadInfoPath).Count(r => r.Token == "token-a"));
    }
}
