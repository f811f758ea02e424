using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>Listings, paths, and folder and id-list downloads against the sandbox.</summary>
[Collection(AloneCollection.Name)]
public sealed class FolderTests : SandboxTest
{
    private const string ListPath = "/api/v2/file/list";
    private const string LinkPath = "/api/v1/file/download_info";

    private IPan123FilesClient Files(Action<Pan123ClientOptions>? configure = null) => Provider(configure).GetRequiredService<IPan123FilesClient>();

    private Pan123BatchDownloader Batch(Action<Pan123ClientOptions>? configure = null, int maxParallelFiles = 4) =>
        Services(download: o => o.MaxParallelFiles = maxParallelFiles, client: configure).GetRequiredService<Pan123BatchDownloader>();

    private ServiceProvider Provider(Action<Pan123ClientOptions>? configure) => Services(client: configure);

    private int Calls(string path) => Sandbox.RequestCount(SandboxServer.Api, path);

    private void AddFolderOf(long folderId, int files, long parent = 0, int size = 1000)
    {
        Sandbox.AddFolder(folderId, "many", parent);
        for (var i = 1; i <= files; i++)
        {
            Sandbox.AddFile(folderId + i, $"f{i:000}.bin", size, parentFileId: folderId);
        }
    }

    [Fact]
    public async Task A_listing_follows_the_cursor_one_call_per_page_and_includes_trashed_entries()
    {
        AddFolderOf(5000, 250);
        Sandbox.Files[5007].Trashed = true;

        var entries = new List<FileItem>();
        await foreach (var entry in Files().ListFilesAsync(5000))
        {
            entries.Add(entry);
        }

        Assert.Equal(250, entries.Count);
        Assert.Equal(250, entries.Select(e => e.FileId).Distinct().Count());
        Assert.True(entries.Single(e => e.FileId == 5007).Trashed);
        Assert.Equal(3, Calls(ListPath));
        Assert.Equal("5001-0", entries[0].S3KeyFlag);
    }

    [Fact]
    public async Task Listing_stops_at_an_empty_folder_after_one_call()
    {
        Sandbox.AddFolder(5600, "empty");

        var entries = new List<FileItem>();
        await foreach (var entry in Files().ListFilesAsync(5600))
        {
            entries.Add(entry);
        }

        Assert.Empty(entries);
        Assert.Equal(1, Calls(ListPath));
    }

    [Fact]
    public async Task A_path_resolves_level_by_level_ignoring_trashed_entries()
    {
        var found = await Files().ResolvePathAsync("/demo/photos/a.jpg");

        Assert.Equal(2004, found.FileId);
        Assert.Equal(0, (await Files().ResolvePathAsync("/")).FileId);
        Sandbox.AddFile(2099, "readme.txt", 10, parentFileId: SandboxPlatform.DemoFolderId).Trashed = true;
        Assert.Equal(2001, (await Files().ResolvePathAsync("/demo/readme.txt")).FileId);
    }

    [Theory]
    [InlineData("/demo/nope.txt", PathProblem.NotFound, "'/demo/nope.txt' does not exist")]
    [InlineData("/demo/readme.txt/x", PathProblem.NotAFolder, "'/demo/readme.txt' is a file")]
    [InlineData("/demo/twice.txt", PathProblem.Ambiguous, "ids 2101, 2102")]
    public async Task A_path_that_does_not_resolve_says_why(string path, PathProblem problem, string message)
    {
        Sandbox.AddFile(2101, "twice.txt", 1, parentFileId: SandboxPlatform.DemoFolderId);
        Sandbox.AddFile(2102, "twice.txt", 2, parentFileId: SandboxPlatform.DemoFolderId);

        var error = await Assert.ThrowsAsync<Pan123PathException>(() => Files().ResolvePathAsync(path));

        Assert.Equal(problem, error.Problem);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_mirror_uses_the_listing_skips_trash_and_a_second_run_asks_for_no_link()
    {
        var result = await Batch().DownloadFolderAsync(SandboxPlatform.DemoFolderId, PathOf("mirror"));

        Assert.True(result.Succeeded);
        Assert.Equal(4, result.Count(BatchFileOutcome.Downloaded));
        var skipped = Assert.Single(result.Files, f => f.Outcome == BatchFileOutcome.Skipped);
        Assert.Equal(("old.txt", "in the trash"), (skipped.RemotePath, skipped.Reason));
        Assert.Equal(Sandbox.Files[2004].Md5, Md5Of(PathOf("mirror/photos/a.jpg")));
        Assert.Equal(Sandbox.Files[2002].Md5, Md5Of(PathOf("mirror/data.bin")));
        Assert.False(File.Exists(PathOf("mirror/old.txt")));
        Assert.Equal(0, Calls("/api/v1/file/detail"));
        Assert.Equal(4, Calls(LinkPath));

        Sandbox.ClearRequests();
        var again = await Batch().DownloadFolderAsync(SandboxPlatform.DemoFolderId, PathOf("mirror"));

        Assert.Equal(4, again.Count(BatchFileOutcome.AlreadyPresent));
        Assert.Equal(0, Calls(LinkPath));
        Assert.Empty(CdnRequests);
    }

    [Fact]
    public async Task Entries_blocked_by_review_are_skipped_and_reported()
    {
        Sandbox.Files[2005].Status = 101;

        var result = await Batch().DownloadFolderAsync(SandboxPlatform.DemoFolderId, PathOf("mirror"));

        Assert.Contains(result.Files, f => f.FileId == 2005 && f.Outcome == BatchFileOutcome.Skipped && f.Reason == "blocked by review");
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Names_that_collide_or_look_like_side_files_get_distinct_stable_names()
    {
        Sandbox.AddFolder(6000, "clash");
        Sandbox.AddFile(6001, "x", 10, parentFileId: 6000);
        Sandbox.AddFile(6002, "x.part", 20, parentFileId: 6000);
        Sandbox.AddFile(6003, "a:b.txt", 30, parentFileId: 6000);
        Sandbox.AddFile(6004, "a_b.txt", 40, parentFileId: 6000);
        Sandbox.AddFile(6005, "A_B.txt", 50, parentFileId: 6000);

        var result = await Batch().DownloadFolderAsync(6000, PathOf("out"));
        var names = Directory.GetFiles(PathOf("out")).Select(Path.GetFileName).Order().ToList();

        Assert.Equal(["a_b (6004).txt", "A_B (6005).txt", "a_b.txt", "x", "x.part_"], names);
        Assert.All(result.Files, f => Assert.Equal(Sandbox.Files[f.FileId].Size, new FileInfo(f.LocalPath!).Length));
        var again = await Batch().DownloadFolderAsync(6000, PathOf("out"));
        Assert.Equal(5, again.Count(BatchFileOutcome.AlreadyPresent));
    }

    [Fact]
    public async Task After_a_5113_no_further_link_is_asked_for_and_the_rest_are_reported_not_attempted()
    {
        AddFolderOf(7000, 10, size: 100_000);
        Sandbox.DownloadQuotaBytes = 350_000;

        var result = await Batch(maxParallelFiles: 1).DownloadFolderAsync(7000, PathOf("q"));

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Count(BatchFileOutcome.Downloaded));
        var failed = Assert.Single(result.Files, f => f.Outcome == BatchFileOutcome.Failed);
        Assert.Contains("5113", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(6, result.Count(BatchFileOutcome.NotAttempted));
        Assert.Equal(4, Calls(LinkPath));
    }

    [Fact]
    public async Task Links_are_paced_by_the_limiter_and_no_429_reaches_the_sandbox()
    {
        AddFolderOf(8000, 12, size: 2000);
        Sandbox.DownloadInfoRequestsPerSecond = 5;
        Sandbox.FileListRequestsPerSecond = 5;

        var result = await Batch(maxParallelFiles: 4).DownloadFolderAsync(8000, PathOf("paced"));

        Assert.Equal(12, result.Count(BatchFileOutcome.Downloaded));
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [Fact]
    public async Task An_id_list_downloads_into_one_directory_and_a_bad_id_fails_alone()
    {
        var result = await Batch().DownloadFilesAsync([1001, 999_999, 2004, 1001], PathOf("ids"));

        Assert.Equal(2, result.Count(BatchFileOutcome.Downloaded));
        var failed = Assert.Single(result.Files, f => f.Outcome == BatchFileOutcome.Failed);
        Assert.Equal(999_999, failed.FileId);
        Assert.Equal(5066, Assert.IsType<Pan123ApiException>(failed.Error).ErrorCode);
        Assert.Equal(Sandbox.Files[1001].Md5, Md5Of(PathOf("ids/hello.txt")));
        Assert.Equal(Sandbox.Files[2004].Md5, Md5Of(PathOf("ids/a.jpg")));
        Assert.Equal((1, 1), (Calls("/api/v1/file/infos"), Calls("/api/v1/file/detail"))); // the bad id alone is asked about again
    }

    [Fact]
    public async Task An_id_list_is_described_a_hundred_ids_a_call_not_one_call_an_id()
    {
        var ids = Enumerable.Range(1, 250).Select(i => 40_000L + i).ToList();
        foreach (var id in ids)
        {
            Sandbox.AddFile(id, $"n{id}.bin", 10);
        }

        var result = await Batch().DownloadFilesAsync(ids, PathOf("many"));

        Assert.Equal(250, result.Count(BatchFileOutcome.Downloaded));
        Assert.Equal((3, 0), (Calls("/api/v1/file/infos"), Calls("/api/v1/file/detail")));
    }

    [Fact]
    public async Task Progress_reports_files_and_bytes_up_to_the_totals()
    {
        var reports = new List<BatchProgress>();

        await Batch().DownloadFolderAsync(SandboxPlatform.DemoFolderId, PathOf("p"), progress: new Synchronous(reports.Add));

        var last = reports[^1];
        Assert.Equal((4, 4), (last.FilesDone, last.FilesTotal));
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(1_200 + 3 * 1024 * 1024 + 7 + 150_000 + 170_000, last.BytesTotal);
    }

    [Fact]
    public async Task Cancelling_a_mirror_keeps_every_part_file_and_the_rerun_continues_them()
    {
        AddFolderOf(9000, 4, size: 2_000_000);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(20);
        using var cancel = new CancellationTokenSource();
        var progress = new Synchronous(p =>
        {
            if (p.BytesDone > 500_000)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Batch(maxParallelFiles: 4).DownloadFolderAsync(9000, PathOf("c"), progress, cancel.Token).WaitAsync(TimeSpan.FromSeconds(60)));

        var parts = Directory.GetFiles(PathOf("c"), "*.part");
        Assert.NotEmpty(parts);
        Assert.Contains(parts, part => new FileInfo(part).Length > 0);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        Sandbox.ClearRequests();

        var result = await Batch().DownloadFolderAsync(9000, PathOf("c"));

        Assert.Equal(4, result.Count(BatchFileOutcome.Downloaded));
        Assert.Empty(Directory.GetFiles(PathOf("c"), "*.part*"));
        Assert.Contains(CdnRequests, r => r.Headers.TryGetValue("Range", out var range) && range != "bytes=0-");
        Assert.All(result.Files, f => Assert.Equal(Sandbox.Files[f.FileId].Md5, Md5Of(f.LocalPath!)));
    }

    private sealed class Synchronous(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
