namespace Pan123;

/// <summary>
/// Where access tokens are kept, so that everyone who shares the store (threads, processes on one
/// machine, or, with another implementation, a fleet) makes one token request per token lifetime.
/// The platform keeps at most 3 live tokens per client id; each new one can push older ones offline.
/// </summary>
/// <remarks>
/// The one operation that writes is <see cref="UpdateAsync"/>: "fetch under a lock, re-reading
/// first", compare-and-swap in spirit. Whoever holds the lock sees what the last holder stored and
/// decides whether a new token is needed at all.
/// </remarks>
public interface IPan123TokenStore
{
    /// <summary>Returns the token stored under <paramref name="key"/>, or <see langword="null"/>, without taking the lock.</summary>
    /// <param name="key">An opaque key that names the account and the platform address (no secret).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored token, expired or not, or <see langword="null"/>.</returns>
    ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the store's lock for <paramref name="key"/>, re-reads the entry, and passes it to
    /// <paramref name="update"/>; stores what it returns unless that is the very entry it was given.
    /// No two callers, in this process or any other that shares the store, run <paramref name="update"/>
    /// for the same key at once.
    /// </summary>
    /// <param name="key">An opaque key that names the account and the platform address (no secret).</param>
    /// <param name="update">Given the current entry (or <see langword="null"/>), returns it to keep it, or a new token.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock and the update.</param>
    /// <returns>The entry as it stands after the update.</returns>
    ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="token"/> at once, from inside an <see cref="UpdateAsync"/> of the same key
    /// (whose lock the caller holds): a checkpoint before a step that cannot be undone, such as
    /// spending a single-use refresh token.
    /// </summary>
    /// <param name="key">The key of the update under way.</param>
    /// <param name="token">What to store now.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the token is stored durably.</returns>
    ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default);
}

/// <summary>An access token and the moment the platform said it expires, as a token store keeps them.</summary>
public sealed record CachedAccessToken
{
    /// <summary>Creates the entry a token store reads back (a custom store constructs it from what it kept).</summary>
    /// <param name="accessToken">The token.</param>
    /// <param name="expiredAt">The platform's <c>expiredAt</c>.</param>
    public CachedAccessToken(string accessToken, DateTimeOffset expiredAt) => (AccessToken, ExpiredAt) = (accessToken, expiredAt);

    /// <summary>The token. Never logged nor part of a string.</summary>
    public string AccessToken { get; init; }

    /// <summary>The platform's <c>expiredAt</c>.</summary>
    public DateTimeOffset ExpiredAt { get; init; }

    /// <summary>
    /// When the token was received, by the receiving machine's clock, or <see langword="null"/> when
    /// unknown. Its lifetime (<see cref="ExpiredAt"/> minus this) bounds the refresh margin.
    /// </summary>
    public DateTimeOffset? ObtainedAt { get; init; }

    /// <summary>
    /// For an OAuth app's user: the single-use refresh token that renews this access token, or
    /// <see langword="null"/> for client credentials. Never logged nor part of a string.
    /// </summary>
    public string? RefreshToken { get; init; }

    /// <summary>
    /// For an OAuth pair: a refresh with <see cref="RefreshToken"/> was sent and its answer was not
    /// stored (a crash in between). The refresh token may be spent, and is never sent twice: the user
    /// must authorize again. A custom store must keep this flag with the entry, as it keeps the tokens.
    /// </summary>
    public bool RefreshInFlight { get; init; }

    /// <summary>Describes the token without it.</summary>
    /// <returns>The expiry only.</returns>
    public override string ToString() => $"CachedAccessToken {{ AccessToken = (hidden), ExpiredAt = {ExpiredAt:O}{(RefreshToken is null ? string.Empty : ", RefreshToken = (hidden)")} }}";
}
