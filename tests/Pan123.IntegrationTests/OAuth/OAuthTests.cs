using Microsoft.Extensions.DependencyInjection;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.OAuth;

/// <summary>An OAuth app against the sandbox: the code exchange, one refresh per expiry for everyone who shares the pair, never a refresh token sent twice.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OAuthTests : SandboxTest
{
    private static readonly Uri Redirect = new("http://127.0.0.1:53123/callback");

    private string Store => PathOf("config/pan123/tokens.json");

    private ServiceProvider App(Action<Pan123ClientOptions>? configure = null) => Services(client: o =>
    {
        o.AccessToken = null;
        o.ClientId = SandboxPlatform.DemoOAuthClientId;
        o.ClientSecret = SandboxPlatform.DemoOAuthClientSecret;
        o.OAuthApp = true;
        o.TokenCachePath = Store;
        configure?.Invoke(o);
    });

    private int OAuthCalls(string grant) =>
        Sandbox.Requests.Count(r => r.Path == "/api/v1/oauth2/access_token" && r.Query.Contains("grant_type=" + grant, StringComparison.Ordinal));

    // The user consents: the sandbox's authorize page redirects back with a code and the state.
    private async Task<CachedAccessToken> AuthorizeAsync(string? tamperedState = null)
    {
        var state = Pan123OAuth.CreateState();
        var page = Pan123OAuth.AuthorizeUri(SandboxPlatform.DemoOAuthClientId, Redirect, state, authorizePage: Sandbox.AuthorizePage);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(page);
        var callback = consent.Headers.Location!;
        var provider = App();
        return await Pan123OAuth.ExchangeCodeAsync(provider.GetRequiredService<IPan123AuthClient>(), new FileTokenStore(Store), new OAuthCodeExchange
        {
            ClientId = SandboxPlatform.DemoOAuthClientId,
            ClientSecret = SandboxPlatform.DemoOAuthClientSecret,
            RedirectUri = Redirect,
            Callback = callback,
            ExpectedState = tamperedState ?? state,
            CacheScope = Sandbox.ApiBaseAddress.AbsoluteUri,
        });
    }

    [Fact]
    public async Task A_code_exchanged_once_gives_a_pair_the_app_calls_with()
    {
        var pair = await AuthorizeAsync();

        var detail = await App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001);

        Assert.NotNull(pair.RefreshToken);
        Assert.Equal(1001, detail.Data.FileId);
        Assert.Equal(1, OAuthCalls("authorization_code"));
        Assert.Equal(0, Sandbox.OAuthRefreshes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Store));
    }

    [Fact]
    public async Task The_stored_authorization_is_read_back_and_forgotten_without_knowing_its_key()
    {
        var pair = await AuthorizeAsync();
        var store = new FileTokenStore(Store);
        var scope = Sandbox.ApiBaseAddress.AbsoluteUri;

        var read = await Pan123OAuth.ReadAuthorizationAsync(store, scope, SandboxPlatform.DemoOAuthClientId);
        await Pan123OAuth.ForgetAuthorizationAsync(store, scope, SandboxPlatform.DemoOAuthClientId);

        Assert.Equal(pair.RefreshToken, read?.RefreshToken);
        Assert.Null(await Pan123OAuth.ReadAuthorizationAsync(store, scope, SandboxPlatform.DemoOAuthClientId));
        await Assert.ThrowsAsync<Pan123AuthorizationRequiredException>(() => App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));
    }

    [Fact]
    public async Task A_state_that_does_not_match_is_refused_and_nothing_is_exchanged()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => AuthorizeAsync(tamperedState: "not-the-state-we-sent"));

        Assert.Contains("state does not match", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, OAuthCalls("authorization_code"));
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task Eight_workers_sharing_one_pair_across_its_expiry_make_exactly_one_refresh()
    {
        Sandbox.OAuthAccessTokenLifetime = TimeSpan.FromSeconds(3);
        await AuthorizeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // past half the lifetime: the pair is due for a refresh

        var workers = Enumerable.Range(0, 8).Select(_ => App()).ToList();
        await Task.WhenAll(workers.Select(w => w.GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, Sandbox.OAuthRefreshes);
        Assert.Equal(1, OAuthCalls("refresh_token"));
    }

    [Fact]
    public async Task A_refresh_whose_answer_was_lost_is_never_sent_again_and_says_authorize_again()
    {
        Sandbox.OAuthAccessTokenLifetime = TimeSpan.FromSeconds(2);
        await AuthorizeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // The refresh's answer never arrives (the attempt times out): its refresh token may be spent.
        Sandbox.Faults.ResponseDelay = TimeSpan.FromSeconds(3);
        await Assert.ThrowsAnyAsync<Exception>(() => App(o => o.AttemptTimeout = TimeSpan.FromSeconds(1)).GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));
        Sandbox.Faults.ResponseDelay = TimeSpan.Zero;
        var sent = OAuthCalls("refresh_token");

        var error = await Assert.ThrowsAsync<Pan123AuthorizationRequiredException>(() => App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        Assert.Contains("pan123 login", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, sent);
        Assert.Equal(sent, OAuthCalls("refresh_token"));
    }

    [Fact]
    public async Task A_refused_refresh_token_ends_in_authorize_again_not_a_loop()
    {
        Sandbox.OAuthAccessTokenLifetime = TimeSpan.FromSeconds(2);
        await new FileTokenStore(Store).UpdateAsync(
            OAuthTokenProvider.StoreKey(Sandbox.ApiBaseAddress.AbsoluteUri, SandboxPlatform.DemoOAuthClientId),
            (_, _) => ValueTask.FromResult(new CachedAccessToken("sbx.expired", DateTimeOffset.UtcNow.AddMinutes(-1)) { RefreshToken = "rt.unknown" }));

        var error = await Assert.ThrowsAsync<Pan123AuthorizationRequiredException>(() => App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        Assert.Equal("invalid_grant", Assert.IsType<Pan123OAuthException>(error.InnerException).Error);
        Assert.Equal(1, OAuthCalls("refresh_token"));
        await Assert.ThrowsAsync<Pan123AuthorizationRequiredException>(() => App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));
        Assert.Equal(1, OAuthCalls("refresh_token"));
    }

    [Fact]
    public async Task No_secret_of_the_oauth_request_reaches_the_sandbox_log_or_an_exception()
    {
        var pair = await AuthorizeAsync();
        Sandbox.Faults.AnswerNextApiCalls(1, 1, message: $"echo {SandboxPlatform.DemoOAuthClientSecret} {pair.RefreshToken}", path: "/api/v1/oauth2/access_token");
        await new FileTokenStore(Store).UpdateAsync(
            OAuthTokenProvider.StoreKey(Sandbox.ApiBaseAddress.AbsoluteUri, SandboxPlatform.DemoOAuthClientId),
            (current, _) => ValueTask.FromResult(current! with { ExpiredAt = DateTimeOffset.UtcNow.AddMinutes(-1), ObtainedAt = DateTimeOffset.UtcNow.AddHours(-3) }));

        var error = await Record.ExceptionAsync(() => App().GetRequiredService<IPan123FilesClient>().GetFileDetailAsync(1001));

        Assert.NotNull(error);
        var everything = error!.ToString() + string.Join("\n", Sandbox.Requests.Select(r => r.Path + r.Query));
        Assert.DoesNotContain(SandboxPlatform.DemoOAuthClientSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.RefreshToken!, everything, StringComparison.Ordinal);
        Assert.Contains("client_secret=***", everything, StringComparison.Ordinal);
    }
}
