using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>
/// What a download may and may not do to the files around it: never write through a link that was
/// already there, never replace a user's file unasked, never throw away bytes already paid for.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DestinationSafetyTests : SandboxTest
{
    private const string VictimText = "the victim's content";

    private SandboxFile File3M => Sandbox.AddFile(4242, "three.bin", 3 * 1024 * 1024 + 17);

    private string Victim()
    {
        var victim = PathOf("victim.txt");
        File.WriteAllText(victim, VictimText);
        return victim;
    }

    private static byte[] ContentOf(SandboxFile file, int length) => file.ReadContent(0, length);

    [Theory]
    [InlineData("out.bin.part")]
    [InlineData("out.bin.part.json")]
    [InlineData("out.bin.part.json.tmp")]
    public async Task A_link_planted_at_a_side_file_is_never_written_through(string name)
    {
        var file = File3M;
        var victim = Victim();
        File.CreateSymbolicLink(PathOf(name), victim);

        await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(VictimText, await File.ReadAllTextAsync(victim));
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Null(new FileInfo(PathOf("out.bin")).LinkTarget);
        Assert.Equal(["out.bin", "victim.txt"], Directory.GetFileSystemEntries(Folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_link_at_the_destination_counts_as_existing_and_is_refused()
    {
        var file = File3M;
        var victim = Victim();
        File.CreateSymbolicLink(PathOf("out.bin"), victim);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin")));

        Assert.Equal(DownloadFailure.DestinationExists, error.Failure);
        Assert.Equal(victim, new FileInfo(PathOf("out.bin")).LinkTarget);
        Assert.Equal(VictimText, await File.ReadAllTextAsync(victim));
        Assert.Empty(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task With_overwrite_a_link_at_the_destination_is_replaced_and_its_target_left_alone()
    {
        var file = File3M;
        var victim = Victim();
        File.CreateSymbolicLink(PathOf("out.bin"), victim);

        await Downloader(o => o.Overwrite = true).DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Null(new FileInfo(PathOf("out.bin")).LinkTarget);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(VictimText, await File.ReadAllTextAsync(victim));
    }

    [Fact]
    public async Task A_part_file_without_a_note_is_continued_from_its_length_and_verified()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), ContentOf(file, 1_000_000));

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(1_000_000, result.ResumedFrom);
        Assert.False(result.StartedOver);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        var request = Assert.Single(CdnRequests);
        Assert.Equal("bytes=1000000-", request.Headers["Range"]);
        Assert.False(request.Headers.ContainsKey("If-Range"));
    }

    [Fact]
    public async Task A_part_file_without_a_note_that_does_not_fit_is_fetched_again_once_from_zero()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), new byte[1_000_000]);

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.True(result.StartedOver);
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        var requests = CdnRequests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("bytes=1000000-", requests[0].Headers["Range"]);
        Assert.False(requests[1].Headers.ContainsKey("Range"));
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task Bytes_past_an_in_order_note_that_do_not_fit_are_fetched_again_from_the_durable_mark_not_from_zero()
    {
        var file = File3M;
        // The note proves 500,000 bytes; the 500,000 after them (written past the note, then spoiled) it does not.
        var part = ContentOf(file, 1_000_000);
        Array.Clear(part, 600_000, 1000);
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), part);
        await File.WriteAllTextAsync(PathOf("out.bin.part.json"), $$"""{"FileId":4242,"Md5":"{{file.Md5}}","Validator":{{System.Text.Json.JsonSerializer.Serialize(file.CdnETag)}},"Ranges":[[0,500000]]}""");

        var result = await Downloader(o => (o.MaxConnections, o.MinRangeSize) = (1, 64 * 1024)).DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.True(result.StartedOver);
        Assert.Equal(500_000, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Equal(["bytes=1000000-", "bytes=500000-999999"], CdnRequests.Select(r => r.Headers["Range"]));
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task Without_verification_a_part_file_without_a_note_starts_from_zero()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), new byte[1_000_000]);

        var result = await Downloader(o => o.VerifyChecksum = false).DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.False(Assert.Single(CdnRequests).Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task A_note_written_by_0_1_0_is_still_read()
    {
        var file = File3M;
        await File.WriteAllBytesAsync(PathOf("out.bin.part"), ContentOf(file, 500_000));
        await File.WriteAllTextAsync(PathOf("out.bin.part.json"), $$"""{"FileId":4242,"Md5":"{{file.Md5}}","Validator":{{System.Text.Json.JsonSerializer.Serialize(file.CdnETag)}}}""");

        var result = await Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));

        Assert.Equal(500_000, result.ResumedFrom);
        var request = Assert.Single(CdnRequests);
        Assert.Equal("bytes=500000-", request.Headers["Range"]);
        Assert.Equal(file.CdnETag, request.Headers["If-Range"]);
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
    }

    [Fact]
    public async Task The_note_records_the_completed_range_from_zero()
    {
        var file = File3M;
        await InterruptedRunAsync(file.FileId, "out.bin");

        var note = Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(PathOf("out.bin.part.json")));

        Assert.Equal(file.Md5, (string?)note["Md5"]);
        Assert.Equal(file.CdnETag, (string?)note["Validator"]);
        var range = Assert.Single(note["Ranges"]!);
        Assert.Equal(0, (long)range[0]!);
        Assert.InRange((long)range[1]!, 0, new FileInfo(PathOf("out.bin.part")).Length);
        Assert.False(File.Exists(PathOf("out.bin.part.json.tmp")));
    }

    [Fact]
    public async Task A_second_download_to_the_same_destination_is_refused_while_the_first_runs()
    {
        var file = File3M;
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.FromMilliseconds(20);
        var first = Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin"));
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!File.Exists(PathOf("out.bin.part")) || new FileInfo(PathOf("out.bin.part")).Length == 0)
            {
                await Task.Delay(20, patience.Token);
            }
        }

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(file.FileId, PathOf("out.bin")));

        Assert.Equal(DownloadFailure.DestinationInUse, error.Failure);
        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        Sandbox.Faults.CdnBodyChunkDelay = TimeSpan.Zero;
        await first.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(file.Md5, Md5Of(PathOf("out.bin")));
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
    }
}
