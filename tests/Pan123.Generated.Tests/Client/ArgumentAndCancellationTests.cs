using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.Client;

public sealed class ArgumentAndCancellationTests : IDisposable
{
    private readonly MockPlatform _platform = new();

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public async Task GetDownloadInfo_refuses_a_non_positive_fileId_before_any_request(long fileId)
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"u"}"""));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _platform.Files.GetDownloadInfoAsync(fileId));

        Assert.Equal("fileId", error.ParamName);
        Assert.Empty(_platform.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-42)]
    public async Task GetFileDetail_refuses_a_non_positive_fileId_before_any_request(long fileId)
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", RequestShapeTests.DetailJson));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _platform.Files.GetFileDetailAsync(fileId));

        Assert.Equal("fileId", error.ParamName);
        Assert.Empty(_platform.Requests);
    }

    [Fact]
    public async Task GetAccessToken_refuses_a_null_body()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _platform.Auth.GetAccessTokenAsync(null!));
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        _platform.RespondWith(MockPlatform.Envelope(0, "ok", """{"downloadUrl":"u"}"""));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _platform.Files.GetDownloadInfoAsync(1, cancelled.Token));

        Assert.Empty(_platform.Requests);
    }

    [Fact]
    public async Task Cancelling_while_the_platform_is_slow_ends_the_call()
    {
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var release = new TaskCompletionSource<HttpResponseMessage>();
        _platform.Handler.Fallback.Respond(_ =>
        {
            requestArrived.SetResult();
            return release.Task;
        });

        var call = _platform.Files.GetDownloadInfoAsync(1, cts.Token);
        await requestArrived.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        release.SetResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }

    public void Dispose() => _platform.Dispose();
}
