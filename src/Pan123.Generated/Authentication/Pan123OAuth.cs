namespace Pan123;

/// <summary>
/// The authorization step of an OAuth app: send the user to the authorize page with a random
/// <c>state</c>, then exchange the code the redirect brings back, checking that <c>state</c>, and
/// store the user's pair for <see cref="OAuthTokenProvider"/>.
/// </summary>
public static class Pan123OAuth
{
    /// <summary>The platform's authorize page. Some clients use <c>https://yun.123pan.com/auth</c>; pass it instead where needed.</summary>
    public static readonly Uri DefaultAuthorizePage = new("https://www.123pan.com/auth");

    /// <summary>The scope public clients ask for: the user's profile, and reading and writing their files.</summary>
    public const string DefaultScope = "user:base,file:all:read,file:all:write";

    internal const string AuthorizationCodeGrant = "authorization_code";
    internal const string RefreshTokenGrant = "refresh_token";

    /// <summary>A fresh, unguessable <c>state</c> for one authorization.</summary>
    /// <returns>32 hex characters from a cryptographic random source.</returns>
    public static string CreateState() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The authorize page's address for this app, redirect, scope and state.</summary>
    /// <param name="clientId">The OAuth app's client id.</param>
    /// <param name="redirectUri">Where the platform sends the user back with the code; registered with the app.</param>
    /// <param name="state">From <see cref="CreateState"/>; checked when the user comes back.</param>
    /// <param name="scope">The scopes to ask for; <see cref="DefaultScope"/> when <see langword="null"/>.</param>
    /// <param name="authorizePage">The page; <see cref="DefaultAuthorizePage"/> when <see langword="null"/>.</param>
    /// <returns>The address to open in the user's browser.</returns>
    public static Uri AuthorizeUri(string clientId, Uri redirectUri, string state, string? scope = null, Uri? authorizePage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        var page = authorizePage ?? DefaultAuthorizePage;
        var query = string.Join("&",
            "client_id=" + Uri.EscapeDataString(clientId),
            "redirect_uri=" + Uri.EscapeDataString(redirectUri.AbsoluteUri),
            "scope=" + Uri.EscapeDataString(scope ?? DefaultScope),
            "state=" + Uri.EscapeDataString(state));
        return new UriBuilder(page) { Query = query }.Uri;
    }

    /// <summary>
    /// Takes the redirect the user came back with, checks its <c>state</c>, exchanges its code for
    /// the user's pair and stores the pair (durably, before anything uses it) under
    /// the app's key, where <see cref="OAuthTokenProvider"/> and <see cref="ReadAuthorizationAsync"/> find it.
    /// </summary>
    /// <param name="auth">The platform's auth client.</param>
    /// <param name="store">Where the pair is kept (a file or Redis).</param>
    /// <param name="exchange">The app, the redirect the user came back with, and the state to expect.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The stored pair.</returns>
    /// <exception cref="ArgumentException">The state does not match, or the redirect carries no code (the user declined); nothing was exchanged.</exception>
    public static async Task<CachedAccessToken> ExchangeCodeAsync(IPan123AuthClient auth, IPan123TokenStore store, OAuthCodeExchange exchange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(exchange);
        var (callback, expectedState) = (exchange.Callback, exchange.ExpectedState);
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(query["state"] ?? string.Empty), System.Text.Encoding.UTF8.GetBytes(expectedState)))
        {
            throw new ArgumentException("The redirect's state does not match the one sent to the authorize page: refused, nothing was exchanged (another page may have started this redirect).", nameof(exchange));
        }

        if (query["code"] is not { Length: > 0 } code)
        {
            throw new ArgumentException($"The redirect carries no code ({query["error"] ?? "the user did not authorize the app"}).", nameof(exchange));
        }

        var answer = await auth.GetOAuthTokenAsync(exchange.ClientId, exchange.ClientSecret, AuthorizationCodeGrant, code: code, redirectUri: exchange.RedirectUri.AbsoluteUri, cancellationToken: cancellationToken).ConfigureAwait(false);
        Pan123Telemetry.TokenFetched("first");
        var now = (exchange.TimeProvider ?? TimeProvider.System).GetUtcNow();
        var pair = new CachedAccessToken(answer.AccessToken, now.AddSeconds(answer.ExpiresIn)) { ObtainedAt = now, RefreshToken = answer.RefreshToken };
        var key = OAuthTokenProvider.StoreKey(exchange.CacheScope, exchange.ClientId);
        return await store.UpdateAsync(key, (_, _) => ValueTask.FromResult(pair), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user's pair that <see cref="ExchangeCodeAsync"/> stored for this app, or <see langword="null"/> when no user has authorized it (or it was forgotten).</summary>
    /// <param name="store">Where the pair is kept.</param>
    /// <param name="cacheScope">The platform's base address, as at the exchange.</param>
    /// <param name="clientId">The OAuth app's client id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pair, or <see langword="null"/>.</returns>
    public static async Task<CachedAccessToken?> ReadAuthorizationAsync(IPan123TokenStore store, string cacheScope, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var pair = await store.ReadAsync(OAuthTokenProvider.StoreKey(cacheScope, clientId), cancellationToken).ConfigureAwait(false);
        return pair is { RefreshToken: not null } ? pair : null;
    }

    /// <summary>Forgets the user's pair for this app (log-out): later calls need a new authorization.</summary>
    /// <param name="store">Where the pair is kept.</param>
    /// <param name="cacheScope">The platform's base address, as at the exchange.</param>
    /// <param name="clientId">The OAuth app's client id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the pair is gone from the store.</returns>
    public static async Task ForgetAuthorizationAsync(IPan123TokenStore store, string cacheScope, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);

        // A store has no delete: an entry without a token or a refresh token reads as none.
        await store.UpdateAsync(OAuthTokenProvider.StoreKey(cacheScope, clientId), (_, _) => ValueTask.FromResult(new CachedAccessToken(string.Empty, DateTimeOffset.UnixEpoch)), cancellationToken).ConfigureAwait(false);
    }
}
