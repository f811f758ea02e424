using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

public sealed class DownloaderTests : SandboxTest
{
    private SandboxFile File3M => Sandbox.AddFile(4242, "three.bin", 3 * 1024 * 1024 + 17);

    [Fact]
    public async Task Downloads_a_file_that_matches_size_and_md5_and_leaves_no_part_file()
    {
        var file = File3M;
        var destination = PathOf("out.bin");

        var result = await Downloader().DownloadFileAsync(file.FileId, destination);

        Assert.Equal(destination, result.Path);
        Assert.Equal(file.Size, new FileInfo(destination).Length);
        Assert.Equal(file.Md5, Md5Of(destination));
        Assert.Equal(file.Md5, result.Md5);
        Assert.Equal("three.bin", result.FileName);
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(["out.bin"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_CDN_never_sees_the_platform_token_or_header_while_the_API_always_does()
    {
        await Downloader().DownloadFileAsync(File3M.FileId, PathOf("out.bin"));

        var cdn = Assert.Single(CdnRequests);
        Assert.False(cdn.Headers.ContainsKey("Authorization"));
        Assert.False(cdn.Headers.ContainsKey("Platform"));
        Assert.DoesNotContain(SandboxPlatform.DemoAccessToken, string.Join("\n", cdn.Headers.Values) + cdn.Query, StringComparison.Ordinal);
        Assert.All(Sandbox.Requests.Where(r => r.Server == SandboxServer.Api), api =>
        {
            Assert.Equal("Bearer " + SandboxPlatform.DemoAccessToken, api.Headers["Authorization"]);
            Assert.Equal("open_platform", api.Headers["Platform"]);
        });
    }

    [Fact]
    public async Task A_dropped_connection_is_resumed_with_Range_and_If_Range_to_a_correct_file()
    {
        var file = File3M;
        Sandbox.Faults.DropCdnConnectionAfter(1_000_000, times: 2);

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        var cdn = CdnRequests.ToList();
        Assert.Equal(3, cdn.Count);
        Assert.False(cdn[0].Headers.ContainsKey("Range"));
        Assert.StartsWith("bytes=", cdn[1].Headers["Range"], StringComparison.Ordinal);
        Assert.Equal(file.CdnETag, cdn[1].Headers["If-Range"]);
        Assert.Equal(file.CdnETag, cdn[2].Headers["If-Range"]);
        Assert.Equal(file.Size, result.Size);
    }

    [Fact]
    public async Task An_expired_link_is_replaced_by_a_fresh_download_info_link_and_the_download_resumes()
    {
        var file = File3M;
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(40);
        Sandbox.Faults.DropCdnConnectionAfter(1_000_000);

        // The first progress report (after about 100 ms, well before the drop) expires the link in use,
        // so the resume is answered 403 and needs a new link.
        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"), new ExpireLinksOnFirstReport(Sandbox));

        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(2, ApiRequests("/api/v1/file/download_info").Count());
        var cdn = CdnRequests.ToList();
        Assert.Equal(3, cdn.Count);
        Assert.NotEqual(cdn[1].Query, cdn[2].Query);
        Assert.Equal(cdn[1].Headers["Range"], cdn[2].Headers["Range"]);
    }

    [Fact]
    public async Task A_CDN_403_makes_the_downloader_fetch_a_new_link()
    {
        var file = File3M;
        Sandbox.Faults.FailNextCdnRequests(1, status: 403);

        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(2, ApiRequests("/api/v1/file/download_info").Count());
    }

    [Fact]
    public async Task CDN_5xx_answers_are_retried()
    {
        var file = File3M;
        Sandbox.Faults.FailNextCdnRequests(2, status: 503);

        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(3, CdnRequests.Count());
    }

    [Fact]
    public async Task A_CDN_that_keeps_failing_ends_in_a_transfer_failure_and_keeps_the_part_file()
    {
        var file = File3M;
        Sandbox.Faults.FailNextCdnRequests(100, status: 502);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(
            () => Downloader(o => o.MaxRetryAttempts = 2).DownloadFileAsync(file.FileId, PathOf("out.bin")));

        Assert.Equal(DownloadFailure.TransferFailed, error.Failure);
        Assert.Equal(502, error.Status);
        Assert.Equal(3, CdnRequests.Count());
        Assert.False(File.Exists(PathOf("out.bin")));
        Assert.True(File.Exists(PathOf("out.bin.part")));
    }

    [Fact]
    public async Task A_later_run_continues_an_existing_part_file()
    {
        var file = File3M;
        var kept = await InterruptedRunAsync(file.FileId, "out.bin");
        Sandbox.ClearRequests();

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(kept, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        var resume = Assert.Single(CdnRequests);
        Assert.Equal($"bytes={kept}-", resume.Headers["Range"]);
        Assert.Equal(file.CdnETag, resume.Headers["If-Range"]);
        Assert.Equal(["out.bin"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_part_file_of_other_content_is_not_spliced_but_started_over()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), new byte[1000]);
        await File.WriteAllTextAsync(PathOf("out.bin.part.json"), """{"FileId":4242,"Md5":"00000000000000000000000000000000","Validator":"\"x\""}""");

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.False(Assert.Single(CdnRequests).Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task A_CDN_with_a_different_validator_sends_the_whole_file_and_the_download_starts_over()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), new byte[1000]);
        await File.WriteAllTextAsync(PathOf("out.bin.part.json"), $$"""{"FileId":4242,"Md5":"{{file.Md5}}","Validator":"\"stale\""}""");

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal("\"stale\"", Assert.Single(CdnRequests).Headers["If-Range"]);
        Assert.Equal(0, result.ResumedFrom);
    }

    [Fact]
    public async Task Content_that_fails_the_md5_check_leaves_nothing_under_the_destination_and_keeps_the_users_file()
    {
        var file = File3M;
        Sandbox.Faults.CorruptContent = true;
        await File.WriteAllTextAsync(PathOf("out.bin"), "the user's own file");

        // Even with Overwrite, the user's file is replaced only by verified bytes.
        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader(o => o.Overwrite = true).DownloadFileAsync(file.FileId, PathOf("out.bin")));

        Assert.Equal(DownloadFailure.IntegrityMismatch, error.Failure);
        Assert.Contains(file.Md5, error.Message, StringComparison.Ordinal);
        Assert.Equal("the user's own file", await File.ReadAllTextAsync(PathOf("out.bin")));
        Assert.Equal(["out.bin"], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Without_verification_corrupt_content_of_the_right_size_is_accepted()
    {
        var file = File3M;
        Sandbox.Faults.CorruptContent = true;

        var result = await Downloader(o => o.VerifyChecksum = false).DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Null(result.Md5);
        Assert.Equal(file.Size, new FileInfo(PathOf("out.bin")).Length);
        Assert.NotEqual(file.Md5, Md5Of(PathOf("out.bin")));
    }

    [Fact]
    public async Task Redirect_hops_are_followed_up_to_the_limit()
    {
        var file = File3M;
        Sandbox.Faults.CdnRedirectHops = 3;

        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(4, CdnRequests.Count());

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(
            () => Downloader(o => o.MaxRedirects = 2).DownloadFileAsync(file.FileId, PathOf("again.bin")));
        Assert.Equal(DownloadFailure.RedirectRefused, error.Failure);
        Assert.False(File.Exists(PathOf("again.bin")));
    }

    [Fact]
    public async Task Progress_is_reported_up_to_the_total()
    {
        var file = File3M;
        var reports = new List<DownloadProgress>();

        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"), new SynchronousProgress(reports.Add));

        var last = reports[^1];
        Assert.Equal((file.Size, file.Size), (last.BytesDownloaded, last.TotalBytes));
        Assert.Equal(1.0, last.Fraction);
        Assert.True(last.BytesPerSecond > 0);
    }

    [Fact]
    public async Task The_stream_overload_writes_the_verified_bytes()
    {
        var file = File3M;
        Sandbox.Faults.DropCdnConnectionAfter(700_000);
        using var memory = new MemoryStream();

        var result = await Downloader().DownloadAsync(file.FileId, memory);

        Assert.Null(result.Path);
        Assert.Equal(file.Md5, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(memory.ToArray())));
    }

    [Fact]
    public async Task Small_chunks_hashed_beside_the_writes_still_give_the_right_md5_across_resumes()
    {
        var file = File3M;
        Sandbox.Faults.DropCdnConnectionAfter(777_777, times: 2);

        var result = await Downloader(o => o.BufferSize = 4096).DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(file.Md5, result.Md5);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(3, CdnRequests.Count());
    }

    [Fact]
    public async Task A_destination_that_cannot_be_written_fails_at_once_without_asking_the_CDN_again()
    {
        var file = File3M;
        using var full = new FullDiskStream(capacity: 1_500_000);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadAsync(file.FileId, full));

        Assert.Equal(DownloadFailure.DestinationFailed, error.Failure);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Single(CdnRequests);
    }

    /// <summary>Takes writes until it holds <c>capacity</c> bytes, then fails them as a full disk does.</summary>
    private sealed class FullDiskStream(long capacity) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Length + buffer.Length > capacity
                ? ValueTask.FromException(new IOException("No space left on device"))
                : base.WriteAsync(buffer, cancellationToken);
    }

    [Fact]
    public async Task An_empty_file_downloads_without_touching_the_CDN()
    {
        var result = await Downloader().DownloadFileAsync(1002, PathOf("empty.bin"));

        Assert.Equal(0, new FileInfo(PathOf("empty.bin")).Length);
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", result.Md5);
        Assert.Empty(CdnRequests);
    }

    [Fact]
    public async Task A_folder_id_is_refused()
    {
        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(1003, PathOf("x")));

        Assert.Equal(DownloadFailure.NotAFile, error.Failure);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task Platform_errors_surface_as_Pan123ApiException_with_nothing_written()
    {
        Sandbox.Faults.AnswerNextApiCalls(1, 5113, path: "/api/v1/file/download_info");

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => Downloader().DownloadFileAsync(File3M.FileId, PathOf("out.bin")));

        Assert.Equal(Pan123ErrorCodes.DownloadQuotaExceeded, error.ErrorCode);
        Assert.False(File.Exists(PathOf("out.bin")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    public async Task A_non_positive_file_id_is_refused_before_any_request(long fileId)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Downloader().DownloadFileAsync(fileId, PathOf("x")));

        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task A_directory_destination_is_refused_before_any_request()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Downloader().DownloadFileAsync(SandboxPlatform.DemoFileId, Folder));

        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task A_destination_in_a_missing_folder_is_refused_before_any_request()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Downloader().DownloadFileAsync(SandboxPlatform.DemoFileId, PathOf("no/such/folder/x.bin")));

        Assert.Empty(Sandbox.Requests);
    }

    [Fact]
    public async Task Cancelling_keeps_the_part_file_for_a_later_run()
    {
        var file = File3M;
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(50);
        using var cts = new CancellationTokenSource();

        // Cancel at the first progress report: some bytes are on disk, most are not.
        var error = await Record.ExceptionAsync(() => Downloader().DownloadFileAsync(
            file.FileId, PathOf("out.bin"), new SynchronousProgress(_ => cts.Cancel()), cts.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.InRange(new FileInfo(PathOf("out.bin.part")).Length, 1, file.Size - 1);
        Assert.False(File.Exists(PathOf("out.bin")));

        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));
        Assert.True(result.ResumedFrom > 0);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
    }

    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    private sealed class ExpireLinksOnFirstReport(SandboxPlatform sandbox) : IProgress<DownloadProgress>
    {
        private int _done;

        public void Report(DownloadProgress value)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                sandbox.ExpireIssuedLinks();
            }
        }
    }
}
