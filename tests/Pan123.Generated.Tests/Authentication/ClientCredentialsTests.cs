using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Tests.Support;

namespace Pan123.Tests.Authentication;

public sealed class ClientCredentialsTests
{
    private const string TokenPath = "/api/v1/access_token";
    private const string DetailPath = "/api/v1/file/detail";
    private const string DownloadInfoPath = "/api/v1/file/download_info";

    [Fact]
    public async Task Two_hundred_concurrent_calls_cause_exactly_one_token_request()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Detail(), realClock: true);
        var files = platform.Files();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => files.GetFileDetailAsync(14749954))));

        Assert.Single(platform.To(TokenPath));
        Assert.Equal(200, platform.To(DetailPath).Count());
        Assert.All(platform.To(DetailPath), r => Assert.Equal("token-1", r.Token));
    }

    [Fact]
    public async Task The_token_request_carries_the_credentials_and_no_Authorization()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Detail());

        await platform.Files().GetFileDetailAsync(1);

        var token = Assert.Single(platform.To(TokenPath));
        Assert.Null(token.Token);
        Assert.Equal("open_platform", token.Platform);
        var body = Newtonsoft.Json.Linq.JObject.Parse(token.Body!);
        Assert.Equal(("id-1", "secret-1"), ((string?)body["clientID"], (string?)body["clientSecret"]));
    }

    [Fact]
    public async Task A_token_is_reused_until_shortly_before_expiredAt()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Detail());
        var files = platform.Files();

        await files.GetFileDetailAsync(1);
        platform.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(6));
        await files.GetFileDetailAsync(1);
        Assert.Single(platform.To(TokenPath));

        platform.Clock.Advance(TimeSpan.FromMinutes(2));
        await files.GetFileDetailAsync(1);

        Assert.Equal(2, platform.To(TokenPath).Count());
        Assert.Equal("token-2", platform.To(DetailPath).Last().Token);
    }

    [Fact]
    public async Task Code_401_refreshes_the_token_once_and_retries_the_call_once()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken()
            : request.Headers.Authorization?.Parameter == "token-1" ? PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效"))
            : PlatformServices.DownloadInfo());

        var info = await platform.Files().GetDownloadInfoAsync(1);

        Assert.Equal("https://cdn.example/f", info.Data.DownloadUrl);
        Assert.Equal(2, platform.To(TokenPath).Count());
        Assert.Equal(["token-1", "token-2"], platform.To(DownloadInfoPath).Select(r => r.Token));
    }

    [Fact]
    public async Task A_second_401_after_the_refresh_reaches_the_caller_with_no_loop()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效")));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => platform.Files().GetDownloadInfoAsync(1));

        Assert.Equal(Pan123ErrorCodes.InvalidAccessToken, error.ErrorCode);
        Assert.Equal(2, platform.To(TokenPath).Count());
        Assert.Equal(2, platform.To(DownloadInfoPath).Count());
    }

    [Fact]
    public async Task A_refresh_that_fails_surfaces_as_an_error_with_no_loop()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, count) =>
            request.RequestUri!.AbsolutePath != TokenPath ? PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效"))
            : services!.To(TokenPath).Count() == 1 ? services.IssueToken()
            : PlatformServices.Json(MockPlatform.Envelope(1, "clientID或clientSecret错误")));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => platform.Files().GetDownloadInfoAsync(1));

        Assert.Equal(1, error.ErrorCode);
        Assert.Equal("POST /api/v1/access_token", error.Operation);
        Assert.Equal(2, platform.To(TokenPath).Count());
        Assert.Single(platform.To(DownloadInfoPath));
    }

    [Fact]
    public async Task A_static_token_is_not_refreshed_and_the_401_reaches_the_caller()
    {
        await using var platform = new PlatformServices(
            (_, _) => PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效")),
            services => services.AddPan123Client(o => o.AccessToken = "static-token"));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => platform.Files().GetDownloadInfoAsync(1));

        Assert.Equal(401, error.ErrorCode);
        Assert.Single(platform.Requests);
    }

    [Fact]
    public async Task Two_registrations_with_different_credentials_share_no_token()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices(
            (request, _) => request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Detail(),
            s =>
            {
                s.AddPan123Client("a", o => { o.ClientId = "id-a"; o.ClientSecret = "secret-a"; });
                s.AddPan123Client("b", o => { o.ClientId = "id-b"; o.ClientSecret = "secret-b"; });
            });

        await platform.Files("a").GetFileDetailAsync(1);
        await platform.Files("b").GetFileDetailAsync(1);
        await platform.Files("a").GetFileDetailAsync(1);

        var tokenRequests = platform.To(TokenPath).ToList();
        Assert.Equal(2, tokenRequests.Count);
        Assert.Equal(["token-1", "token-2", "token-1"], platform.To(DetailPath).Select(r => r.Token));
        Assert.NotSame(platform.Services.GetRequiredKeyedService<IPan123TokenProvider>("a"), platform.Services.GetRequiredKeyedService<IPan123TokenProvider>("b"));
    }

    [Fact]
    public async Task Neither_the_secret_nor_a_token_appears_in_logs_exceptions_or_strings()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, count) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken()
            : count < 3 ? PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效"))
            : PlatformServices.Json(MockPlatform.Envelope(5066, "文件不存在")));

        var error = await Assert.ThrowsAsync<Pan123ApiException>(() => platform.Files().GetDownloadInfoAsync(1));

        var everything = string.Join("\n", platform.Logs.Collector.GetSnapshot().Select(r => r.Message + " " + string.Join(",", r.StructuredState ?? [])))
            + error + platform.Services.GetRequiredService<IPan123TokenProvider>()
            + platform.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Pan123ClientOptions>>().Value;
        Assert.NotEmpty(platform.Logs.Collector.GetSnapshot());
        Assert.DoesNotContain("secret-1", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("token-1", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("token-2", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refresh_margin_larger_than_half_the_lifetime_never_makes_a_fresh_token_look_stale()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices(
            (request, _) => request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken() : PlatformServices.Detail(),
            s => s.AddPan123Client(o => { o.ClientId = "id-1"; o.ClientSecret = "secret-1"; o.TokenRefreshMargin = TimeSpan.FromDays(60); }));
        var files = platform.Files();

        await files.GetFileDetailAsync(1);
        platform.Clock.Advance(TimeSpan.FromDays(14));
        await files.GetFileDetailAsync(1);
        Assert.Single(platform.To(TokenPath));

        // Past half of the 30-day lifetime the capped margin asks for a new one, once.
        platform.Clock.Advance(TimeSpan.FromDays(2));
        await files.GetFileDetailAsync(1);
        await files.GetFileDetailAsync(1);
        Assert.Equal(2, platform.To(TokenPath).Count());
    }

    [Fact]
    public async Task A_token_that_looks_expired_on_arrival_is_used_not_fetched_per_call()
    {
        // The platform's clock is 40 days behind this machine's: every token it issues looks expired here.
        await using var platform = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath
                ? PlatformServices.Json(MockPlatform.Envelope(0, "ok", """{"accessToken":"skewed-token","expiredAt":"2025-01-20T00:00:00+08:00"}"""))
                : PlatformServices.Detail());
        var files = platform.Files();

        for (var i = 0; i < 5; i++)
        {
            await files.GetFileDetailAsync(1);
        }

        Assert.Single(platform.To(TokenPath));
        Assert.All(platform.To(DetailPath), r => Assert.Equal("skewed-token", r.Token));
    }

    [Fact]
    public async Task Too_many_live_tokens_gets_one_fresh_token_then_fails_saying_so_without_a_loop()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices((request, _) =>
            request.RequestUri!.AbsolutePath == TokenPath ? services!.IssueToken()
            : PlatformServices.Json(MockPlatform.Envelope(401, "tokens number has exceeded the limit")));
        var files = platform.Files();

        for (var call = 0; call < 4; call++)
        {
            var error = await Assert.ThrowsAsync<Pan123ApiException>(() => files.GetDownloadInfoAsync(1));
            Assert.Equal(401, error.ErrorCode);
            Assert.Contains("more than 3 live tokens", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, platform.To(TokenPath).Count());
        Assert.Equal(5, platform.To(DownloadInfoPath).Count());
    }

    [Fact]
    public async Task The_total_timeout_bounds_a_call_whose_401_renewal_and_second_attempt_are_slow()
    {
        PlatformServices? services = null;
        await using var platform = services = new PlatformServices(
            (request, _) =>
            {
                if (request.RequestUri!.AbsolutePath == TokenPath)
                {
                    return services!.IssueToken();
                }

                // Each attempt takes 40 s of (fake) time; the first is refused with 401.
                services!.Clock.Advance(TimeSpan.FromSeconds(40));
                return request.Headers.Authorization?.Parameter == "token-1" ? PlatformServices.Json(MockPlatform.Envelope(401, "access_token无效")) : PlatformServices.Detail();
            },
            s => s.AddPan123Client(o => { o.ClientId = "id-1"; o.ClientSecret = "secret-1"; o.TotalTimeout = TimeSpan.FromSeconds(60); o.AttemptTimeout = TimeSpan.FromMinutes(5); }));

        var error = await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => platform.Files().GetFileDetailAsync(1).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("00:01:00", error.Message, StringComparison.Ordinal);

        Assert.Equal(2, platform.To(DetailPath).Count());
    }

    [Fact]
    public async Task Each_token_request_takes_a_fresh_auth_client_instead_of_pinning_one()
    {
        using var platform = new MockPlatform();
        var issued = 0;
        platform.Handler.Fallback.Respond((HttpRequestMessage _) => Task.FromResult(PlatformServices.Json(
            MockPlatform.Envelope(0, "ok", $$"""{"accessToken":"token-{{Interlocked.Increment(ref issued)}}","expiredAt":"2099-01-01T00:00:00+08:00"}"""))));
        var clients = 0;
        using var provider = new ClientCredentialsTokenProvider(() => { clients++; return platform.Auth; }, "id", "secret");

        var first = await provider.GetAccessTokenAsync();
        Assert.Equal(first, await provider.GetAccessTokenAsync());
        Assert.Equal(1, clients);

        await provider.RefreshAccessTokenAsync(first);
        Assert.Equal(2, clients);
    }

    [Fact]
    public async Task Client_credentials_options_are_validated()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new PlatformServices((_, _) => PlatformServices.Detail(), s => s.AddPan123Client(o => o.ClientId = "id-only")));

        Assert.Contains("ClientId and ClientSecret must both be set", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }
}
