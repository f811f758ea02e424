using System.Net;
using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Downloads;

/// <summary>The downloader's redirect rules, with an https CDN played by MockHttp (the sandbox speaks plain http only).</summary>
public sealed class RedirectPolicyTests : IDisposable
{
    private static readonly byte[] Content = "hello from the edge"u8.ToArray();
    private readonly MockPlatform _platform = new();
    private readonly MockHttpMessageHandler _cdn = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-redirect-").FullName;

    public RedirectPolicyTests()
    {
        _platform.ServeFile(Content, "https://cdn.example/f");
    }

    private Pan123Downloader Downloader() =>
        new(_platform.Files, _cdn.ToHttpClient(), new Pan123DownloadOptions { RetryBaseDelay = TimeSpan.Zero });

    private void RedirectTo(string location) =>
        _cdn.When("https://cdn.example/f").Respond(_ =>
        {
            var redirect = new HttpResponseMessage(HttpStatusCode.Found);
            redirect.Headers.Location = new Uri(location);
            return redirect;
        });

    private MockedRequest Serve(string url) => _cdn.Serve(url, Content);

    [Fact]
    public async Task A_redirect_from_https_to_plain_http_elsewhere_is_refused()
    {
        RedirectTo("http://edge.example/f");
        var edge = Serve("http://edge.example/f");

        var error = await Assert.ThrowsAsync<Pan123DownloadException>(() => Downloader().DownloadFileAsync(7, Path.Combine(_folder, "f.bin")));

        Assert.Equal(DownloadFailure.RedirectRefused, error.Failure);
        Assert.Contains("https to plain http", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _cdn.GetMatchCount(edge));
        Assert.False(File.Exists(Path.Combine(_folder, "f.bin")));
    }

    [Fact]
    public async Task A_redirect_to_https_or_to_loopback_http_is_followed_without_the_token()
    {
        foreach (var edge in new[] { "https://edge.example/f", "http://127.0.0.1:8080/f" })
        {
            _cdn.Clear();
            RedirectTo(edge);
            Serve(edge);
            var destination = Path.Combine(_folder, Guid.NewGuid().ToString("N"));

            var result = await Downloader().DownloadFileAsync(7, destination);

            Assert.Equal(Content, await File.ReadAllBytesAsync(destination));
            Assert.Equal(Content.Length, result.Size);
        }
    }

    [Fact]
    public async Task The_CDN_requests_carry_no_platform_headers()
    {
        HttpRequestMessage? seen = null;
        _cdn.When("https://cdn.example/f").Respond(request =>
        {
            seen = request;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Content) };
        });

        await Downloader().DownloadFileAsync(7, Path.Combine(_folder, "f.bin"));

        Assert.NotNull(seen);
        Assert.Null(seen!.Headers.Authorization);
        Assert.False(seen.Headers.Contains("Platform"));
    }

    public void Dispose()
    {
        _platform.Dispose();
        _cdn.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
