using System.Net;
using Microsoft.Extensions.Time.Testing;
using Pan123.Tests.Support;

namespace Pan123.Tests.Downloads;

/// <summary>The stall timer runs on the downloader's clock, like its backoff: a fake clock drives both.</summary>
public sealed class StallTimerTests : IDisposable
{
    private static readonly byte[] Content = "bytes after a stall"u8.ToArray();
    private readonly MockPlatform _platform = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-stall-").FullName;

    [Fact]
    public async Task A_response_that_sends_nothing_for_the_stall_timeout_on_the_fake_clock_is_given_up_and_retried()
    {
        _platform.ServeFile(Content, "https://cdn.example/f");
        var clock = new FakeTimeProvider();
        var attempts = 0;
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cdn = new HttpClient(new Cdn(async ct =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct); // headers never come: only the stall timer can end this
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Content) };
        }));
        var downloader = new Pan123Downloader(_platform.Files, cdn, new Pan123DownloadOptions { RetryBaseDelay = TimeSpan.Zero, StallTimeout = TimeSpan.FromSeconds(60) }, clock);

        var download = downloader.DownloadFileAsync(7, Path.Combine(_folder, "f.bin"));
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(download.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(61));
        await download.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, attempts);
        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(_folder, "f.bin")));
    }

    private sealed class Cdn(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }

    public void Dispose()
    {
        _platform.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
