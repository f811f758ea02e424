using System.Text.Json;
using Pan123.IntegrationTests.Support;

namespace Pan123.IntegrationTests.Library;

/// <summary>
/// A large file over several connections, against a sandbox CDN that caps each connection's rate, the
/// connections per link and the smallest range, as real CDNs do.
/// </summary>
// Rates are measured (the sandbox paces each connection): run alone, not beside the rest of the suite.
[Collection(AloneCollection.Name)]
public sealed class RangedDownloadTests : SandboxTest
{
    private const long Floor = 2 * 1024 * 1024;
    private const int Size = 40 * 1024 * 1024;

    private void Ranges(Pan123DownloadOptions options, int connections = 4, int budget = 8)
    {
        (options.MaxConnections, options.ConnectionBudget, options.MinRangeSize) = (connections, budget, Floor);
    }

    // Every range asked for, as [from, to]; none below the floor unless it runs to the end.
    private List<(long From, long To)> RequestedRanges(int skip = 0)
    {
        var ranges = new List<(long From, long To)>();
        foreach (var request in CdnRequests.Skip(skip))
        {
            Assert.True(request.Headers.TryGetValue("Range", out var header), "a ranged download asked for the whole file");
            var bounds = header!["bytes=".Length..].Split('-');
            var (from, to) = (long.Parse(bounds[0]), bounds[1].Length == 0 ? Size - 1 : long.Parse(bounds[1]));
            Assert.True(to - from + 1 >= Floor || to == Size - 1, $"a range below the floor: {header}");
            ranges.Add((from, to));
        }

        return ranges;
    }

    [Fact]
    public async Task Connections_are_added_while_the_rate_grows_and_the_file_verifies()
    {
        var file = Sandbox.AddFile(50, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 12 * 1024 * 1024;

        var reports = new Reports();

        var result = await Downloader(o => Ranges(o)).DownloadFileAsync(file.FileId, PathOf("big.bin"), reports);

        Assert.Equal(file.Md5, result.Md5);
        Assert.Equal(Size, reports.Last.BytesDownloaded);
        Assert.True(reports.Last.BytesPerSecond > 0, "a ranged download reported no rate");
        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.InRange(Sandbox.CdnLimits.MostConcurrent, 2, 4);
        var ranges = RequestedRanges();
        Assert.Equal(Size, ranges.Sum(r => r.To - r.From + 1));
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
        Assert.False(File.Exists(PathOf("big.bin.part.json")));
    }

    [Fact]
    public async Task A_cdn_that_allows_two_connections_gets_two_after_its_429_and_the_download_completes()
    {
        var file = Sandbox.AddFile(51, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 12 * 1024 * 1024;
        Sandbox.CdnLimits.MaxConnectionsPerLink = 2;

        var result = await Downloader(o => Ranges(o)).DownloadFileAsync(file.FileId, PathOf("big.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.Equal(2, Sandbox.CdnLimits.MostConcurrent);
        Assert.InRange(Sandbox.CdnLimits.RefusedForConnections, 1, 3);
        Assert.Equal(Size, result.Size);
    }

    [Fact]
    public async Task The_budget_caps_the_connections_of_every_download_together()
    {
        var file = Sandbox.AddFile(52, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 24 * 1024 * 1024;

        await Downloader(o => Ranges(o, connections: 4, budget: 1)).DownloadFileAsync(file.FileId, PathOf("big.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.Equal(1, Sandbox.CdnLimits.MostConcurrent);
    }

    [Fact]
    public async Task A_stopped_download_keeps_its_finished_ranges_and_the_rerun_asks_only_for_the_rest()
    {
        var file = Sandbox.AddFile(53, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 12 * 1024 * 1024;
        using (var stop = new CancellationTokenSource())
        {
            var first = Downloader(o => Ranges(o)).DownloadFileAsync(file.FileId, PathOf("big.bin"), cancellationToken: stop.Token);
            using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (FinishedBytes() < Size / 3)
                {
                    await Task.Delay(20, patience.Token);
                }
            }

            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        var finished = FinishedRanges();
        Assert.True(finished.Count >= 1 && finished.Sum(r => r.To - r.From) >= Size / 3, "the note lost finished ranges");
        var before = CdnRequests.Count();

        var result = await Downloader(o => Ranges(o)).DownloadFileAsync(file.FileId, PathOf("big.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        // The rerun asked for the gaps only: finished bytes come again at most as the widening of a small gap.
        var asked = RequestedRanges(before);
        var overlap = asked.Sum(a => finished.Sum(f => Math.Max(0, Math.Min(a.To + 1, f.To) - Math.Max(a.From, f.From))));
        Assert.True(overlap <= Floor * asked.Count, $"the rerun fetched {overlap} finished bytes again");
        Assert.True(result.ResumedFrom > 0 || finished[0].From > 0);
    }

    [Fact]
    public async Task A_cdn_that_keeps_answering_429_ends_the_download_after_the_retries_not_never()
    {
        var file = Sandbox.AddFile(54, "big.bin", Size);
        Sandbox.Faults.FailNextCdnRequests(1000, 429);

        var failure = await Assert.ThrowsAsync<Pan123DownloadException>(() =>
            Downloader(o => { Ranges(o); o.MaxRetryAttempts = 2; }).DownloadFileAsync(file.FileId, PathOf("big.bin")).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(DownloadFailure.TransferFailed, failure.Failure);
        Assert.Equal(429, failure.Status);
        // The last connection asks MaxRetryAttempts + 1 times; the other three of the start closed at their first 429.
        Assert.InRange(CdnRequests.Count(), 3, 6);
        Assert.False(File.Exists(PathOf("big.bin")));
    }

    [Fact]
    public async Task Dropped_connections_keep_their_bytes_and_the_download_completes_on_fewer()
    {
        var file = Sandbox.AddFile(55, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 12 * 1024 * 1024;
        Sandbox.Faults.DropCdnConnectionAfter(3 * 1024 * 1024, times: 3);

        var result = await Downloader(o => Ranges(o)).DownloadFileAsync(file.FileId, PathOf("big.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.Equal(Size, result.Size);
        // A dropped range was continued from where it stopped, never asked for from its start again.
        var ranges = RequestedRanges();
        Assert.Equal(ranges.Count, ranges.Select(r => r.From).Distinct().Count());
    }

    [Fact]
    public async Task Two_connections_refused_with_429_at_the_same_instant_leave_no_range_behind_even_unverified()
    {
        var file = Sandbox.AddFile(56, "big.bin", Size);
        Sandbox.CdnLimits.BytesPerSecondPerConnection = 24 * 1024 * 1024;
        // The two connections a download starts with are both answered 429, at the same instant.
        Sandbox.Faults.FailNextCdnRequests(2, 429, together: true);

        var result = await Downloader(o => { Ranges(o); o.VerifyChecksum = false; }).DownloadFileAsync(file.FileId, PathOf("big.bin"));

        Assert.Null(result.Md5);
        Assert.Equal(Size, new FileInfo(PathOf("big.bin")).Length);
        Assert.Equal(file.Md5, Md5Of(PathOf("big.bin")));
        Assert.True(CdnRequests.Count() >= 3, "the download gave up after the two 429s");
    }

    private List<(long From, long To)> FinishedRanges()
    {
        var note = PathOf("big.bin.part.json");
        if (!File.Exists(note))
        {
            return [];
        }

        using var json = JsonDocument.Parse(File.ReadAllText(note));
        return [.. json.RootElement.GetProperty("Ranges").EnumerateArray().Select(r => (r[0].GetInt64(), r[1].GetInt64()))];
    }

    private long FinishedBytes()
    {
        try
        {
            return FinishedRanges().Sum(r => r.To - r.From);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0;
        }
    }

    // Synchronous, unlike Progress<T>, so the last report is there when the download returns.
    private sealed class Reports : IProgress<DownloadProgress>
    {
        public DownloadProgress Last { get; private set; }

        public void Report(DownloadProgress value) => Last = value;
    }
}
