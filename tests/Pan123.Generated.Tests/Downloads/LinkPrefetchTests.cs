using System.Net;
using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Downloads;

/// <summary>download_info goes out beside file/detail, not after it, and an unused link costs nothing but the call.</summary>
public sealed class LinkPrefetchTests : IDisposable
{
    private static readonly byte[] Content = "bytes from the cdn"u8.ToArray();
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MockPlatform _platform = new();
    private readonly MockHttpMessageHandler _cdn = new();
    private readonly MockedRequest _cdnFile;
    private readonly TaskCompletionSource _linkAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-prefetch-").FullName;

    public LinkPrefetchTests()
    {
        _cdnFile = _cdn.Serve("https://cdn.example/f", Content);
    }

    private static string Detail(int type = 0, bool empty = false) => MockPlatform.FileDetail(empty ? [] : Content, type);

    // file/detail answers only once download_info has been asked: a downloader that waits for the
    // first before sending the second never gets an answer.
    private void DetailAnswersAfterTheLinkIsAsked(string detail) =>
        _platform.Handler.When("*/api/v1/file/detail").Respond(async () =>
        {
            await _linkAsked.Task.WaitAsync(Patience);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(detail, System.Text.Encoding.UTF8, "application/json") };
        });

    private void LinkAnswers(string envelope) =>
        _platform.Handler.When("*/api/v1/file/download_info").Respond(() =>
        {
            _linkAsked.TrySetResult();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(envelope, System.Text.Encoding.UTF8, "application/json") });
        });

    private Pan123Downloader Downloader() => new(_platform.Files, _cdn.ToHttpClient(), new Pan123DownloadOptions { RetryDelay = TimeSpan.Zero });

    [Fact]
    public async Task The_link_is_asked_for_before_file_detail_has_answered()
    {
        DetailAnswersAfterTheLinkIsAsked(Detail());
        LinkAnswers(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));

        var result = await Downloader().DownloadFileAsync(7, Path.Combine(_folder, "f.bin")).WaitAsync(Patience);

        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(_folder, "f.bin")));
        Assert.Equal(Content.Length, result.Size);
        Assert.Equal(1, _cdn.GetMatchCount(_cdnFile));
    }

    [Fact]
    public async Task The_stream_overload_asks_for_both_together_too()
    {
        DetailAnswersAfterTheLinkIsAsked(Detail());
        LinkAnswers(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"https://cdn.example/f"}"""));
        using var target = new MemoryStream();

        await Downloader().DownloadAsync(7, target).WaitAsync(Patience);

        Assert.Equal(Content, target.ToArray());
    }

    [Fact]
    public async Task A_folder_is_reported_as_a_folder_even_when_download_info_fails_for_it()
    {
        DetailAnswersAfterTheLinkIsAsked(Detail(type: 1));
        LinkAnswers(MockPlatform.Envelope(5066, "文件不存在"));

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(7, Path.Combine(_folder, "f.bin")).WaitAsync(Patience));

        Assert.Equal(DownloadFailure.NotAFile, error.Failure);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task An_empty_file_succeeds_even_when_its_unused_link_fails()
    {
        DetailAnswersAfterTheLinkIsAsked(Detail(empty: true));
        LinkAnswers(MockPlatform.Envelope(5113, "流量不足"));

        var result = await Downloader().DownloadFileAsync(7, Path.Combine(_folder, "empty.bin")).WaitAsync(Patience);

        Assert.Equal(0, result.Size);
        Assert.Equal(0, new FileInfo(Path.Combine(_folder, "empty.bin")).Length);
        Assert.Equal(0, _cdn.GetMatchCount(_cdnFile));
    }

    [Fact]
    public async Task A_link_failure_is_reported_when_the_link_is_needed()
    {
        DetailAnswersAfterTheLinkIsAsked(Detail());
        LinkAnswers(MockPlatform.Envelope(5113, "流量不足"));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => Downloader().DownloadFileAsync(7, Path.Combine(_folder, "f.bin")).WaitAsync(Patience));

        Assert.Equal(Pan123ErrorCodes.DownloadQuotaExceeded, error.ErrorCode);
        Assert.False(File.Exists(Path.Combine(_folder, "f.bin")));
    }

    public void Dispose()
    {
        _platform.Dispose();
        _cdn.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
