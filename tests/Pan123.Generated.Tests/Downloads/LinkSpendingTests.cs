using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Downloads;

/// <summary>
/// Each download_info call spends the user's download quota: a link is asked for only once a
/// transfer is certain, never for a folder, an empty file, a complete part file or a destination
/// that already holds the content.
/// </summary>
public sealed class LinkSpendingTests : IDisposable
{
    private static readonly byte[] Content = "bytes from the cdn"u8.ToArray();
    private static readonly string ContentMd5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Content));
    private readonly MockPlatform _platform = new();
    private readonly MockHttpMessageHandler _cdn = new();
    private readonly MockedRequest _cdnFile;
    private readonly MockedRequest _link;
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-links-").FullName;

    public LinkSpendingTests()
    {
        _cdnFile = _cdn.Serve("https://cdn.example/f", Content);
        _link = _platform.Handler.When("*/api/v1/file/download_info")
            .Respond("application/json", MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    private void Detail(byte[] content, int type = 0) =>
        _platform.Handler.When("*/api/v1/file/detail").Respond("application/json", MockPlatform.FileDetail(content, type));

    private Pan123Downloader Downloader(bool overwrite = false, bool verify = true) =>
        new(_platform.Files, _cdn.ToHttpClient(), new Pan123DownloadOptions { RetryBaseDelay = TimeSpan.Zero, Overwrite = overwrite, VerifyChecksum = verify });

    [Fact]
    public async Task A_file_to_fetch_costs_one_link()
    {
        Detail(Content);

        var result = await Downloader().DownloadFileAsync(7, PathOf("f.bin"));

        Assert.Equal(Content, File.ReadAllBytes(PathOf("f.bin")));
        Assert.False(result.AlreadyDownloaded);
        Assert.Equal(1, _platform.Handler.GetMatchCount(_link));
        Assert.Equal(1, _cdn.GetMatchCount(_cdnFile));
    }

    [Fact]
    public void Direct_links_without_a_direct_link_client_are_refused_at_construction()
    {
        var options = new Pan123DownloadOptions { LinkSource = Pan123LinkSource.DirectLink };

        var error = Assert.Throws<ArgumentException>(() => new Pan123Downloader(_platform.Files, _cdn.ToHttpClient(), options));

        Assert.Contains("IPan123DirectLinkClient", error.Message, StringComparison.Ordinal);
        Assert.Contains("LinkSource must be DownloadInfo or DirectLink", Assert.Throws<ArgumentException>(
            () => new Pan123Downloader(_platform.Files, _cdn.ToHttpClient(), new Pan123DownloadOptions { LinkSource = (Pan123LinkSource)7 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_costs_no_link()
    {
        Detail(Content, type: 1);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(7, PathOf("f.bin")));

        Assert.Equal(DownloadFailure.NotAFile, error.Failure);
        Assert.Equal(0, _platform.Handler.GetMatchCount(_link));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task An_empty_file_costs_no_link()
    {
        Detail([]);

        var result = await Downloader().DownloadFileAsync(7, PathOf("empty.bin"));

        Assert.Equal(0, result.Size);
        Assert.Equal(0, new FileInfo(PathOf("empty.bin")).Length);
        Assert.Equal(0, _platform.Handler.GetMatchCount(_link));
        Assert.Equal(0, _cdn.GetMatchCount(_cdnFile));
    }

    [Fact]
    public async Task A_complete_part_file_is_verified_and_renamed_without_a_link_or_a_CDN_request()
    {
        Detail(Content);
        await File.WriteAllBytesAsync(PathOf("f.bin.part"), Content);

        var result = await Downloader().DownloadFileAsync(7, PathOf("f.bin"));

        Assert.Equal(Content.Length, result.ResumedFrom);
        Assert.Equal(Content, File.ReadAllBytes(PathOf("f.bin")));
        Assert.Equal(0, _platform.Handler.GetMatchCount(_link));
        Assert.Equal(0, _cdn.GetMatchCount(_cdnFile));
        Assert.Equal(["f.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_identical_destination_is_already_downloaded_without_a_link(bool overwrite)
    {
        Detail(Content);
        await File.WriteAllBytesAsync(PathOf("f.bin"), Content);
        var written = File.GetLastWriteTimeUtc(PathOf("f.bin"));

        var result = await Downloader(overwrite).DownloadFileAsync(7, PathOf("f.bin"));

        Assert.True(result.AlreadyDownloaded);
        Assert.Equal(ContentMd5, result.Md5);
        Assert.Equal(written, File.GetLastWriteTimeUtc(PathOf("f.bin")));
        Assert.Equal(0, _platform.Handler.GetMatchCount(_link));
        Assert.Equal(["f.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_destination_with_other_content_is_refused_without_a_link_and_left_alone()
    {
        Detail(Content);
        await File.WriteAllTextAsync(PathOf("f.bin"), "the user's own file");

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(7, PathOf("f.bin")));

        Assert.Equal(DownloadFailure.DestinationExists, error.Failure);
        Assert.Contains(PathOf("f.bin"), error.Message, StringComparison.Ordinal);
        Assert.Equal("the user's own file", await File.ReadAllTextAsync(PathOf("f.bin")));
        Assert.Equal(0, _platform.Handler.GetMatchCount(_link));
        Assert.Equal(["f.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task With_overwrite_a_destination_with_other_content_is_replaced_by_the_verified_file()
    {
        Detail(Content);
        await File.WriteAllTextAsync(PathOf("f.bin"), "the user's own file");

        var result = await Downloader(overwrite: true).DownloadFileAsync(7, PathOf("f.bin"));

        Assert.False(result.AlreadyDownloaded);
        Assert.Equal(Content, File.ReadAllBytes(PathOf("f.bin")));
    }

    [Fact]
    public async Task A_link_failure_is_reported_when_the_link_is_needed()
    {
        _platform.Handler.Clear();
        Detail(Content);
        _platform.Handler.When("*/api/v1/file/download_info").Respond("application/json", MockPlatform.Envelope(5113, "流量不足"));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => Downloader().DownloadFileAsync(7, PathOf("f.bin")));

        Assert.Equal(Pan123ErrorCodes.DownloadQuotaExceeded, error.ErrorCode);
        Assert.False(File.Exists(PathOf("f.bin")));
    }

    [Fact]
    public async Task A_plain_http_link_off_loopback_is_refused_before_the_CDN_is_asked()
    {
        _platform.Handler.Clear();
        Detail(Content);
        _platform.Handler.When("*/api/v1/file/download_info").Respond("application/json", MockPlatform.Envelope(0, "ok", """{"downloadUrl":"http://cdn.example/f"}"""));
        var plain = _cdn.Serve("http://cdn.example/f", Content);

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(7, PathOf("f.bin")));

        Assert.Equal(DownloadFailure.RedirectRefused, error.Failure);
        Assert.Contains("plain http", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _cdn.GetMatchCount(plain));
        Assert.False(File.Exists(PathOf("f.bin")));
    }

    public void Dispose()
    {
        _platform.Dispose();
        _cdn.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
