using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pan123;

/// <summary>
/// Obtains access tokens with the developer's client id and secret (<c>POST /api/v1/access_token</c>)
/// and follows the platform's rules: a token is reused until shortly before its <c>expiredAt</c>
/// (<see cref="RefreshMargin"/>), any number of concurrent callers cause one token request
/// (single-flight), and an optional <see cref="Cache"/> lets separate processes share a token, since at
/// most 3 tokens per client id are live and each new one can push older ones offline.
/// </summary>
public sealed class ClientCredentialsTokenProvider : IPan123TokenProvider
{
    private readonly IPan123AuthClient _auth;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private readonly Lock _gate = new();
    private CachedAccessToken? _current;
    private Task<CachedAccessToken>? _fetch;

    /// <summary>Creates a provider for one client id.</summary>
    /// <param name="authClient">The client for the token request (it sends no Authorization header).</param>
    /// <param name="clientId">The developer's client id.</param>
    /// <param name="clientSecret">The developer's client secret; never logged nor part of a message.</param>
    public ClientCredentialsTokenProvider(IPan123AuthClient authClient, string clientId, string clientSecret)
    {
        ArgumentNullException.ThrowIfNull(authClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientSecret);
        (_auth, _clientId, _clientSecret) = (authClient, clientId, clientSecret);
    }

    /// <summary>How long before <c>expiredAt</c> a token is renewed. Default: 5 minutes.</summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A cache shared with other processes (see <see cref="FileTokenCache"/>), or <see langword="null"/> for memory only.</summary>
    public IPan123TokenCache? Cache { get; init; }

    /// <summary>What besides the client id the cache key depends on, usually the platform's base address.</summary>
    public string CacheScope { get; init; } = string.Empty;

    /// <summary>The clock that decides expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where token requests and cache problems are logged (never with a token or the secret).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <inheritdoc />
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && IsFresh(current))
        {
            return current.AccessToken;
        }

        return (await Shared(rejected: null).WaitAsync(cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    /// <inheritdoc />
    public async ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken = default)
    {
        var token = await Shared(rejectedToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        return token.AccessToken == rejectedToken ? null : token.AccessToken;
    }

    /// <summary>Names the client id only.</summary>
    /// <returns>A description without the token or the secret.</returns>
    public override string ToString() => $"{nameof(ClientCredentialsTokenProvider)} (client id {_clientId})";

    private bool IsFresh(CachedAccessToken token) => token.ExpiredAt - RefreshMargin > TimeProvider.GetUtcNow();

    // One fetch at a time; every caller that needs a token meanwhile awaits the same task.
    // The fetch runs without any caller's cancellation token, so one caller giving up fails no other.
    private Task<CachedAccessToken> Shared(string? rejected)
    {
        lock (_gate)
        {
            if (_current is { } current && IsFresh(current) && current.AccessToken != rejected)
            {
                return Task.FromResult(current);
            }

            if (_fetch is not { IsCompleted: false })
            {
                _fetch = Task.Run(() => FetchAsync(rejected));
            }

            return _fetch;
        }
    }

    private async Task<CachedAccessToken> FetchAsync(string? rejected)
    {
        var cacheKey = CacheKey();
        if (Cache is not null)
        {
            var cached = await ReadCacheAsync(cacheKey).ConfigureAwait(false);
            if (cached is not null && IsFresh(cached) && cached.AccessToken != rejected)
            {
                Pan123Log.TokenReusedFromCache(Logger, _clientId, cached.ExpiredAt);
                Volatile.Write(ref _current, cached);
                return cached;
            }
        }

        var response = await _auth.GetAccessTokenAsync(new AccessTokenRequest { ClientID = _clientId, ClientSecret = _clientSecret }).ConfigureAwait(false);
        var token = new CachedAccessToken(response.Data.AccessToken, response.Data.ExpiredAt);
        Pan123Log.TokenObtained(Logger, _clientId, token.ExpiredAt);
        Volatile.Write(ref _current, token);
        if (Cache is not null)
        {
            await WriteCacheAsync(cacheKey, token).ConfigureAwait(false);
        }

        return token;
    }

    private async Task<CachedAccessToken?> ReadCacheAsync(string key)
    {
        try
        {
            return await Cache!.ReadAsync(key).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Pan123Log.TokenCacheFailed(Logger, "read", e.Message);
            return null;
        }
    }

    private async Task WriteCacheAsync(string key, CachedAccessToken token)
    {
        try
        {
            await Cache!.WriteAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Pan123Log.TokenCacheFailed(Logger, "write", e.Message);
        }
    }

    // Names the account and the platform, and holds no secret: a hash, so the file does not list client ids either.
    private string CacheKey() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CacheScope + "\n" + _clientId)));
}
