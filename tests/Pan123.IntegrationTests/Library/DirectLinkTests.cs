using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>
/// Downloads through direct links (<see cref="Pan123LinkSource.DirectLink"/>): no download_info call, the
/// direct-link traffic spent instead of the download quota, the same verification and resume, and a
/// clear refusal where the space wants signed links.
/// </summary>
public sealed class DirectLinkTests : SandboxTest
{
    private const string DownloadInfo = "/api/v1/file/download_info";
    private const string DirectLinkUrl = "/api/v1/direct-link/url";

    // A folder with the direct-link space on, holding a 3 MiB file in a subfolder; no download quota at all,
    // so a download_info call would be refused with 5113.
    private SandboxFile SpaceFile(bool signedLinks = false)
    {
        Sandbox.AddFolder(7000, "直链空间");
        Sandbox.AddFolder(7001, "sub dir", 7000);
        var file = Sandbox.AddFile(7002, "clip 1.mp4", 3 * 1024 * 1024 + 17, parentFileId: 7001);
        Sandbox.DirectLinks.Enable(7000, signedLinks);
        Sandbox.DownloadQuotaBytes = 0;
        return file;
    }

    private Pan123Downloader Direct(Action<Pan123DownloadOptions>? more = null) => Downloader(o =>
    {
        o.LinkSource = Pan123LinkSource.DirectLink;
        more?.Invoke(o);
    });

    [Fact]
    public async Task A_direct_download_asks_direct_link_url_once_never_download_info_and_spends_direct_traffic()
    {
        var file = SpaceFile();

        var result = await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        Assert.Equal(file.Md5, Md5Of(PathOf("clip.mp4")));
        Assert.Equal(file.Md5, result.Md5);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.Equal(1, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Equal(0, Sandbox.LinkBytes);
        Assert.Equal(file.Size, Sandbox.DirectLinks.BytesServed);
        var cdn = Assert.Single(CdnRequests);
        Assert.Equal($"/{SandboxPlatform.DemoUid}/直链空间/sub dir/clip 1.mp4", cdn.Path);
        Assert.False(cdn.Headers.ContainsKey("Authorization"));
        Assert.Equal(["clip.mp4"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_download_span_says_direct_link_and_holds_the_direct_link_call()
    {
        var file = SpaceFile();
        // Other test classes run beside this one: their spans arrive too, from other threads.
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Pan123",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        var download = Assert.Single(spans, s => s.DisplayName == "Pan123 Download" && (long?)s.GetTagItem("pan123.file_id") == file.FileId);
        Assert.Equal("direct_link", download.GetTagItem("pan123.link_source"));
        Assert.Equal(download.SpanId, Assert.Single(spans, s => s.DisplayName == "Pan123 GetDirectLinkUrl" && s.TraceId == download.TraceId).ParentSpanId);
    }

    [Fact]
    public async Task A_dropped_direct_transfer_resumes_with_Range_on_the_same_link_without_asking_again()
    {
        var file = SpaceFile();
        Sandbox.Faults.DropCdnConnectionAfter(1_000_000, times: 2);

        await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        Assert.Equal(file.Md5, Md5Of(PathOf("clip.mp4")));
        var cdn = CdnRequests.ToList();
        Assert.Equal(3, cdn.Count);
        Assert.Equal(file.CdnETag, cdn[2].Headers["If-Range"]);
        Assert.Equal(1, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        // Each resume starts where the bytes received stopped (what a reset connection lost in flight excepted).
        var resumedAt = long.Parse(cdn[1].Headers["Range"]["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 1_000_000);
    }

    [Fact]
    public async Task A_part_file_left_by_a_download_info_run_is_continued_through_the_direct_link()
    {
        var file = SpaceFile();
        Sandbox.DownloadQuotaBytes = null;
        var kept = await InterruptedRunAsync(file.FileId, "clip.mp4");
        Sandbox.ClearRequests();

        var result = await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        Assert.Equal(kept, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("clip.mp4")));
        Assert.Equal($"bytes={kept}-", Assert.Single(CdnRequests).Headers["Range"]);
        Assert.Equal(file.Size - kept, Sandbox.DirectLinks.BytesServed);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
    }

    [Fact]
    public async Task Direct_bytes_that_fail_the_md5_check_leave_nothing_under_the_destination()
    {
        var file = SpaceFile();
        Sandbox.Faults.CorruptContent = true;

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4")));

        Assert.Equal(DownloadFailure.IntegrityMismatch, error.Failure);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task A_space_with_signed_links_is_refused_at_the_first_403_with_a_message_that_says_why()
    {
        var file = SpaceFile(signedLinks: true);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4")));

        Assert.Equal(DownloadFailure.DirectLinkRefused, error.Failure);
        Assert.Equal(403, error.Status);
        Assert.Contains("URL authentication", error.Message, StringComparison.Ordinal);
        Assert.Contains("uid and the space's private key", error.Message, StringComparison.Ordinal);
        // No second link asked for (a direct link does not expire) and no retry of the refused one.
        Assert.Equal(1, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Single(CdnRequests);
        Assert.False(File.Exists(PathOf("clip.mp4")));
    }

    [Fact]
    public async Task A_renamed_file_whose_direct_link_is_gone_gets_a_new_one()
    {
        var file = SpaceFile();
        Sandbox.Faults.FailNextCdnRequests(1, status: 404);

        await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        Assert.Equal(file.Md5, Md5Of(PathOf("clip.mp4")));
        Assert.Equal(2, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
    }

    [Fact]
    public async Task A_file_outside_every_direct_link_space_fails_with_the_platforms_answer_and_no_download_info_call()
    {
        SpaceFile();
        var outside = Sandbox.AddFile(7100, "outside.bin", 50_000);

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => Direct().DownloadFileAsync(outside.FileId, PathOf("outside.bin")));

        Assert.Contains("direct-link space", error.PlatformMessage, StringComparison.Ordinal);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.Empty(CdnRequests);
    }

    [Fact]
    public async Task A_file_already_on_disk_asks_for_no_direct_link()
    {
        var file = SpaceFile();
        await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));
        Sandbox.ClearRequests();

        var again = await Direct().DownloadFileAsync(file.FileId, PathOf("clip.mp4"));

        Assert.True(again.AlreadyDownloaded);
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Empty(CdnRequests);
    }

    [Fact]
    public async Task The_stream_overload_and_ranges_work_through_direct_links_too()
    {
        var big = Sandbox.AddFile(7003, "big.bin", 20 * 1024 * 1024, parentFileId: SpaceFile().ParentFileId);
        using var stream = new MemoryStream();

        var streamed = await Direct().DownloadAsync(big.FileId, stream);
        var ranged = await Direct(o => o.MinRangeSize = 1024 * 1024).DownloadFileAsync(big.FileId, PathOf("big.bin"));

        Assert.Equal(big.Md5, streamed.Md5);
        Assert.Equal(big.Md5, Md5Of(PathOf("big.bin")));
        Assert.True(CdnRequests.Count(r => r.Headers.ContainsKey("Range")) >= 2, "the file download used several ranges");
        Assert.Equal(2, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
    }

    [Fact]
    public async Task A_folder_batch_through_direct_links_spends_no_download_quota()
    {
        var file = SpaceFile();
        Sandbox.AddFile(7004, "second.bin", 200_000, parentFileId: file.ParentFileId);

        var result = await Services(o => o.LinkSource = Pan123LinkSource.DirectLink)
            .GetRequiredService<Pan123BatchDownloader>()
            .DownloadFolderAsync(7000, PathOf("space"));

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Count(BatchFileOutcome.Downloaded));
        Assert.Equal(2, Sandbox.RequestCount(SandboxServer.Api, DirectLinkUrl));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, DownloadInfo));
        Assert.Equal(file.Md5, Md5Of(Path.Combine(PathOf("space"), "sub dir", "clip 1.mp4")));
    }
}
