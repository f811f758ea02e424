using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.Library;

/// <summary>The client's token, retry and rate-limit behaviour against the sandbox over real sockets.</summary>
[Collection(AloneCollection.Name)]
public sealed class PlatformLimitsTests : SandboxTest
{
    private ServiceProvider ClientCredentials(string name = "", string clientId = SandboxPlatform.DemoClientId)
    {
        var services = new ServiceCollection();
        services.AddPan123Client(name, o =>
        {
            o.BaseAddress = Sandbox.ApiBaseAddress;
            o.ClientId = clientId;
            o.ClientSecret = SandboxPlatform.DemoClientSecret;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Concurrent_calls_share_one_token_and_no_429_reaches_the_caller_at_5_qps()
    {
        Sandbox.DownloadInfoRequestsPerSecond = 5;
        await using var services = ClientCredentials();
        var files = services.GetRequiredService<IPan123FilesClient>();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => files.GetDownloadInfoAsync(1001)));

        Assert.All(results, r => Assert.StartsWith(Sandbox.CdnBaseAddress.ToString(), r.Data.DownloadUrl, StringComparison.Ordinal));
        Assert.Equal(1, Sandbox.TokensIssued);
        Assert.Equal(0, Sandbox.RateLimitedCalls);
    }

    [Fact]
    public async Task Links_point_at_the_LinkBaseAddress_stand_in_when_set_with_the_files_CDN_path()
    {
        var file = Sandbox.AddFile(4243, "stand in.bin", 10);
        Sandbox.LinkBaseAddress = new Uri("http://127.0.0.9:8123/");
        await using var services = ClientCredentials();

        var link = new Uri((await services.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(file.FileId)).Data.DownloadUrl);

        Assert.Equal("http://127.0.0.9:8123/", link.GetLeftPart(UriPartial.Authority) + "/");
        Assert.Equal("/" + file.CdnPath, link.AbsolutePath);
        Assert.Equal($"123-61/{file.Md5[..8]}/4243/stand%20in.bin", file.CdnPath);
    }

    [Fact]
    public async Task Transient_platform_answers_are_retried_and_final_ones_are_not()
    {
        await using var services = ClientCredentials();
        var files = services.GetRequiredService<IPan123FilesClient>();
        await files.GetFileDetailAsync(1001);

        Sandbox.ClearRequests();
        Sandbox.Faults.FailNextApiCalls(2, 503);
        await files.GetFileDetailAsync(1001);
        Assert.Equal(3, ApiRequests("/api/v1/file/detail").Count());
        Sandbox.ClearRequests();

        // 20103 and 5113 are download_info's codes (the contract lists each operation's codes; the
        // sandbox's answers are checked against them after every test).
        Sandbox.Faults.AnswerNextApiCalls(2, 20103, path: "/api/v1/file/download_info");
        await files.GetDownloadInfoAsync(1001);
        Assert.Equal(3, ApiRequests("/api/v1/file/download_info").Count());
        Sandbox.ClearRequests();

        Sandbox.Faults.AnswerNextApiCalls(5, 5113, path: "/api/v1/file/download_info");
        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => files.GetDownloadInfoAsync(1001));

        Assert.Equal(5113, error.ErrorCode);
        Assert.Single(ApiRequests("/api/v1/file/download_info"));
    }

    [Fact]
    public async Task A_token_request_answered_503_is_not_retried_since_it_may_have_minted_a_token()
    {
        await using var services = ClientCredentials();
        Sandbox.Faults.FailNextApiCalls(1, 503);

        var error = await Assert.ThrowsAsync<Pan123ProtocolException>(() => services.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        Assert.Equal(503, error.Status);
        Assert.Single(ApiRequests("/api/v1/access_token"));
    }

    [Fact]
    public async Task A_token_request_answered_429_is_retried()
    {
        await using var services = ClientCredentials();
        Sandbox.Faults.AnswerNextApiCalls(1, 429, path: "/api/v1/access_token");

        await services.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001);

        Assert.Equal(2, ApiRequests("/api/v1/access_token").Count());
        Assert.Equal(1, Sandbox.TokensIssued);
    }

    [Fact]
    public async Task A_refused_connection_to_the_token_endpoint_is_retried()
    {
        // A port that was just free: nothing listens there, so every connection is refused at once.
        var port = LoopbackPort.Free();
        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            o.ClientId = SandboxPlatform.DemoClientId;
            o.ClientSecret = SandboxPlatform.DemoClientSecret;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryAttempts = 2;
        });
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        services.AddLogging(l => l.AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs)));
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<HttpRequestException>(() => provider.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Message.Contains("POST /api/v1/access_token attempt", StringComparison.Ordinal) && r.Message.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_sandbox_keeps_a_bounded_log_and_exact_counts()
    {
        Sandbox.RequestLogCapacity = 10;
        var services = new ServiceCollection();
        services.AddPan123Client(o => { o.BaseAddress = Sandbox.ApiBaseAddress; o.AccessToken = SandboxPlatform.DemoAccessToken; });
        await using var provider = services.BuildServiceProvider();
        var files = provider.GetRequiredService<IPan123FilesClient>();

        for (var i = 0; i < 25; i++)
        {
            await files.GetFileDetailAsync(1001);
        }

        Assert.Equal(10, Sandbox.Requests.Count);
        Assert.Equal(25, Sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/detail"));
        Assert.Equal(0, Sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/download_info"));
    }

    [Fact]
    public async Task A_revoked_token_is_refreshed_once()
    {
        await using var services = ClientCredentials();
        var files = services.GetRequiredService<IPan123FilesClient>();
        await files.GetFileDetailAsync(1001);

        Sandbox.RevokeAllTokens();
        await files.GetFileDetailAsync(1001);

        Assert.Equal(2, Sandbox.TokensIssued);
    }

    [Fact]
    public async Task Two_accounts_each_get_their_own_token()
    {
        var services = new ServiceCollection();
        foreach (var name in new[] { "a", "b" })
        {
            services.AddPan123Client(name, o =>
            {
                o.BaseAddress = Sandbox.ApiBaseAddress;
                o.ClientId = SandboxPlatform.DemoClientId;
                o.ClientSecret = SandboxPlatform.DemoClientSecret;
            });
        }

        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredKeyedService<IPan123FilesClient>("a").GetFileDetailAsync(1001);
        await provider.GetRequiredKeyedService<IPan123FilesClient>("b").GetFileDetailAsync(1001);
        await provider.GetRequiredKeyedService<IPan123FilesClient>("a").GetFileDetailAsync(1001);

        Assert.Equal(2, Sandbox.TokensIssued);
        var tokens = ApiRequests("/api/v1/file/detail").Select(r => r.Headers["Authorization"]).ToList();
        Assert.Equal(tokens[0], tokens[2]);
        Assert.NotEqual(tokens[0], tokens[1]);
    }
}
