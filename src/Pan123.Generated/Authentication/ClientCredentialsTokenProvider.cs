namespace Pan123;

/// <summary>
/// Obtains access tokens with the developer's client id and secret (<c>POST /api/v1/access_token</c>)
/// and follows the platform's rules: a token is reused until shortly before its <c>expiredAt</c>
/// (<see cref="RefreshMargin"/>), any number of concurrent callers cause one token request
/// (single-flight), and a shared <see cref="Store"/> (<see cref="FileTokenStore"/>) makes that one
/// request for every process that shares it, since at most 3 tokens per client id are live and
/// each new one can push older ones offline.
/// </summary>
public sealed class ClientCredentialsTokenProvider : IPan123TokenProvider, IDisposable
{
    private readonly Func<IPan123AuthClient> _auth;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly MemoryTokenStore _memory = new();
    private readonly TokenSingleFlight _flight;

    /// <summary>Creates a provider for one client id.</summary>
    /// <param name="authClient">The client for the token request (it sends no Authorization header).</param>
    /// <param name="clientId">The developer's client id.</param>
    /// <param name="clientSecret">The developer's client secret; never logged nor part of a message.</param>
    public ClientCredentialsTokenProvider(IPan123AuthClient authClient, string clientId, string clientSecret)
        : this(() => authClient, clientId, clientSecret)
    {
        ArgumentNullException.ThrowIfNull(authClient);
    }

    /// <summary>Creates a provider for one client id that takes a new auth client for each token request.</summary>
    /// <param name="authClientFactory">
    /// Gives the client for a token request (it sends no Authorization header). Called per request, so a
    /// long-lived provider does not pin one <see cref="HttpClient"/> (and its handlers) for the application's life.
    /// </param>
    /// <param name="clientId">The developer's client id.</param>
    /// <param name="clientSecret">The developer's client secret; never logged nor part of a message.</param>
    public ClientCredentialsTokenProvider(Func<IPan123AuthClient> authClientFactory, string clientId, string clientSecret)
    {
        ArgumentNullException.ThrowIfNull(authClientFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        (_auth, _clientId, _clientSecret) = (authClientFactory, clientId, clientSecret);
        _flight = new TokenSingleFlight(IsFresh, FetchAsync);
    }

    /// <summary>
    /// How long before <c>expiredAt</c> a token is renewed. Default: 5 minutes. It never exceeds half
    /// of a token's own lifetime, so no setting makes a fresh token look stale.
    /// </summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A store shared with other processes (see <see cref="FileTokenStore"/>), or <see langword="null"/> for this provider's memory only.</summary>
    public IPan123TokenStore? Store { get; init; }

    /// <summary>What besides the client id the store key depends on, usually the platform's base address.</summary>
    public string CacheScope { get; init; } = string.Empty;

    /// <summary>The clock that decides expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where token requests and store problems are logged (never with a token or the secret).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <inheritdoc />
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => _flight.GetAccessTokenAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken = default) =>
        _flight.RefreshAccessTokenAsync(rejectedToken, cancellationToken);

    /// <summary>Names the client id only.</summary>
    /// <returns>A description without the token or the secret.</returns>
    public override string ToString() => $"{nameof(ClientCredentialsTokenProvider)} (client id {_clientId})";

    /// <summary>Releases the in-memory store's lock.</summary>
    public void Dispose() => _memory.Dispose();

    private bool IsFresh(CachedAccessToken token) => TokenFreshness.IsFresh(token, RefreshMargin, TimeProvider);

    // Under the store's lock, re-reading first: whoever held it before may have stored a token we can use.
    private async Task<CachedAccessToken> FetchAsync(string? rejected)
    {
        var key = CacheKey();
        CachedAccessToken token;
        try
        {
            token = await (Store ?? _memory).UpdateAsync(key, (stored, ct) => UsableOrNewAsync(stored, rejected, ct)).ConfigureAwait(false);
        }
        catch (Exception e) when (Store is not null && e is IOException or UnauthorizedAccessException)
        {
            // A store that cannot be used costs the sharing, not the call.
            Pan123Log.TokenCacheFailed(Logger, "use", e.Message);
            token = await _memory.UpdateAsync(key, (stored, ct) => UsableOrNewAsync(stored, rejected, ct)).ConfigureAwait(false);
        }

        return token;
    }

    private async ValueTask<CachedAccessToken> UsableOrNewAsync(CachedAccessToken? stored, string? rejected, CancellationToken cancellationToken)
    {
        if (stored is not null && IsFresh(stored) && stored.AccessToken != rejected)
        {
            Pan123Log.TokenReusedFromCache(Logger, _clientId, stored.ExpiredAt);
            return stored;
        }

        var response = await _auth().GetAccessTokenAsync(new AccessTokenRequest { ClientId = _clientId, ClientSecret = _clientSecret }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var token = new CachedAccessToken(response.Data.AccessToken, response.Data.ExpiredAt) { ObtainedAt = TimeProvider.GetUtcNow() };
        Pan123Log.TokenObtained(Logger, _clientId, token.ExpiredAt);
        Pan123Telemetry.TokenFetched(rejected is not null && stored?.AccessToken == rejected ? "renewal" : stored is null ? "first" : "expiry");
        return token;
    }

    // Names the account and the platform, and holds no secret: a hash, so the file does not list client ids either.
    private string CacheKey() => TokenStoreKey.For(CacheScope, _clientId);
}
