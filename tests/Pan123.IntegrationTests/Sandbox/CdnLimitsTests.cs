using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Sandbox;

/// <summary>The sandbox CDN's limits that multi-connection downloads meet on real CDNs: per-connection rate, connections per link, smallest range.</summary>
public sealed class CdnLimitsTests : SandboxTest
{
    private const long FileId = 41_000;
    private const int Size = 4 * 1024 * 1024;

    private async Task<Uri> LinkAsync()
    {
        Sandbox.AddFile(FileId, "big.bin", Size);
        var info = await Services().GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(FileId);
        return new Uri(info.Data.DownloadUrl);
    }

    private static HttpRequestMessage Get(Uri link, long? from = null, long? to = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, link);
        if (from is not null)
        {
            request.Headers.Range = new RangeHeaderValue(from, to);
        }

        return request;
    }

    [Fact]
    public async Task A_second_connection_beyond_the_cap_is_answered_429_and_the_first_is_served_whole()
    {
        var link = await LinkAsync();
        Sandbox.CdnLimits.MaxConnectionsPerLink = 1;
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 8 * 1024 * 1024;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var first = await http.SendAsync(Get(link), HttpCompletionOption.ResponseHeadersRead);
        using var second = await http.SendAsync(Get(link, 0, Size - 1), HttpCompletionOption.ResponseHeadersRead);
        var body = await first.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(Size, body.Length);
        Assert.Equal(1, Sandbox.CdnLimits.RefusedForConnections);
        Assert.Equal(1, Sandbox.CdnLimits.MostConcurrent);
    }

    [Fact]
    public async Task A_range_below_the_floor_is_refused_unless_it_runs_to_the_end()
    {
        var link = await LinkAsync();
        Sandbox.CdnLimits.MinRangeBytes = 1024 * 1024;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var small = await http.SendAsync(Get(link, 0, 999));
        using var tail = await http.SendAsync(Get(link, Size - 1000, null));
        using var large = await http.SendAsync(Get(link, 0, 1024 * 1024 - 1));

        Assert.Equal(HttpStatusCode.Forbidden, small.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(1000, (await tail.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.PartialContent, large.StatusCode);
    }

    [Fact]
    public async Task Each_connection_is_held_to_the_rate_cap()
    {
        var link = await LinkAsync();
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 8 * 1024 * 1024;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // 4 MiB at 8 MiB/s cannot take less than half a second, however fast the machine (a lower bound, not a timing target).
        var clock = Stopwatch.StartNew();
        var body = await http.GetByteArrayAsync(link);

        Assert.Equal(Size, body.Length);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.45), $"4 MiB took {clock.Elapsed.TotalSeconds:F2} s at an 8 MiB/s cap");
    }
}
