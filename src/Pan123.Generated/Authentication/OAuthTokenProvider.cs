namespace Pan123;

/// <summary>
/// Access tokens for an OAuth app acting for one 123pan user, from the user's pair (access token +
/// single-use refresh token) in an <see cref="IPan123TokenStore"/>. It refreshes ahead of expiry,
/// once per expiry for everyone who shares the store (in-process single flight; the store's lock
/// across processes and, with Redis, machines), and crash-safe: before the refresh token is sent, the
/// store records that it is being spent, and the new pair is stored before its access token is used,
/// so a refresh token is never sent twice. When the pair cannot be renewed any more, calls fail with
/// <see cref="Pan123AuthorizationRequiredException"/>, never a loop.
/// </summary>
public sealed class OAuthTokenProvider : IPan123TokenProvider, IDisposable
{
    private readonly Func<IPan123AuthClient> _auth;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly IPan123TokenStore _store;
    private readonly TokenSingleFlight _flight;

    /// <summary>Creates a provider for the user whose pair <paramref name="store"/> holds.</summary>
    /// <param name="authClientFactory">Gives the client for the token request, per request.</param>
    /// <param name="clientId">The OAuth app's client id.</param>
    /// <param name="clientSecret">The OAuth app's client secret; never logged nor part of a message.</param>
    /// <param name="store">Where the pair lives (a file or Redis: it must outlive the process).</param>
    public OAuthTokenProvider(Func<IPan123AuthClient> authClientFactory, string clientId, string clientSecret, IPan123TokenStore store)
    {
        ArgumentNullException.ThrowIfNull(authClientFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        ArgumentNullException.ThrowIfNull(store);
        (_auth, _clientId, _clientSecret, _store) = (authClientFactory, clientId, clientSecret, store);
        _flight = new TokenSingleFlight(token => TokenFreshness.IsFresh(token, RefreshMargin, TimeProvider), FetchAsync);
    }

    /// <summary>How long before expiry the pair is refreshed; at most half the access token's lifetime. Default: 5 minutes.</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>What besides the client id the store key depends on, usually the platform's base address.</summary>
    public string CacheScope { get; init; } = string.Empty;

    /// <summary>The clock that decides expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where refreshes are logged (never with a token or the secret).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    // The key of the user's pair in the store: plumbing, which Pan123OAuth's read and forget methods hide.
    internal static string StoreKey(string cacheScope, string clientId) => TokenStoreKey.For(cacheScope, "oauth", clientId);

    /// <inheritdoc />
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => _flight.GetAccessTokenAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken = default) =>
        _flight.RefreshAccessTokenAsync(rejectedToken, cancellationToken);

    /// <summary>Names the client id only.</summary>
    /// <returns>A description without a token or the secret.</returns>
    public override string ToString() => $"{nameof(OAuthTokenProvider)} (client id {_clientId})";

    /// <summary>Nothing to release; here for symmetry with the other providers.</summary>
    public void Dispose()
    {
    }

    private async Task<CachedAccessToken> FetchAsync(string? rejected)
    {
        var key = StoreKey(CacheScope, _clientId);
        return await _store.UpdateAsync(key, (stored, ct) => UsableOrRefreshedAsync(key, stored, rejected, ct)).ConfigureAwait(false);
    }

    // Under the store's lock, with the pair as the last holder left it.
    private async ValueTask<CachedAccessToken> UsableOrRefreshedAsync(string key, CachedAccessToken? stored, string? rejected, CancellationToken cancellationToken)
    {
        if (stored?.RefreshToken is null)
        {
            throw new Pan123AuthorizationRequiredException("no user has authorized this app yet.");
        }

        if (stored.RefreshInFlight)
        {
            throw new Pan123AuthorizationRequiredException("an earlier refresh was interrupted before its answer was stored, so its single-use refresh token may be spent; it is not sent again.");
        }

        if (TokenFreshness.IsFresh(stored, RefreshMargin, TimeProvider) && stored.AccessToken != rejected)
        {
            return stored;
        }

        // From here the refresh token may be spent: say so durably before it leaves.
        await _store.CheckpointAsync(key, stored with { RefreshInFlight = true }, cancellationToken).ConfigureAwait(false);
        OAuthToken answer;
        try
        {
            answer = await _auth().GetOAuthTokenAsync(_clientId, _clientSecret, Pan123OAuth.RefreshTokenGrant, refreshToken: stored.RefreshToken, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Pan123OAuthException e) when (e.RequiresAuthorization)
        {
            throw new Pan123AuthorizationRequiredException("the platform refused the refresh token (" + e.Error + ").", e);
        }
        catch (Exception e) when (NeverReached(e))
        {
            // Provably not spent (refused before use): the pair stays as it was.
            await _store.CheckpointAsync(key, stored, cancellationToken).ConfigureAwait(false);
            throw;
        }
        catch (Pan123ApiException e)
        {
            // The platform's own shape of a refusal (an envelope, such as code 401 "refresh_token无效"): the
            // refresh token was sent and not honoured, so it cannot be used again either way.
            throw new Pan123AuthorizationRequiredException($"the platform refused the refresh token (code {e.ErrorCode}: {e.PlatformMessage}).", e);
        }

        var now = TimeProvider.GetUtcNow();
        Pan123Log.TokenObtained(Logger, _clientId, now.AddSeconds(answer.ExpiresIn));
        Pan123Telemetry.TokenFetched(rejected is not null && stored.AccessToken == rejected ? "renewal" : "expiry");
        return new CachedAccessToken(answer.AccessToken, now.AddSeconds(answer.ExpiresIn)) { ObtainedAt = now, RefreshToken = answer.RefreshToken };
    }

    // A refresh the platform certainly did not act on: the connection was refused, or it answered 429.
    private static bool NeverReached(Exception e) =>
        e is HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } }
        || e is Pan123ApiException { ErrorCode: Pan123ErrorCodes.TooManyRequests };
}
