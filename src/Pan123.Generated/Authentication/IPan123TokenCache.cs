namespace Pan123;

/// <summary>Where access tokens outlive the process, so separate runs reuse one token instead of each asking for a new one.</summary>
public interface IPan123TokenCache
{
    /// <summary>Returns the token stored under <paramref name="key"/>, or <see langword="null"/>.</summary>
    /// <param name="key">An opaque key that names the account and the platform address (no secret).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored token, expired or not, or <see langword="null"/>.</returns>
    ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="token"/> under <paramref name="key"/>.</summary>
    /// <param name="key">An opaque key that names the account and the platform address (no secret).</param>
    /// <param name="token">The token and its expiry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the token is stored.</returns>
    ValueTask WriteAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default);
}

/// <summary>An access token and the moment the platform said it expires.</summary>
/// <param name="AccessToken">The token.</param>
/// <param name="ExpiredAt">The platform's <c>expiredAt</c>.</param>
public sealed record CachedAccessToken(string AccessToken, DateTimeOffset ExpiredAt)
{
    /// <summary>Describes the token without it.</summary>
    /// <returns>The expiry only.</returns>
    public override string ToString() => $"CachedAccessToken {{ AccessToken = (hidden), ExpiredAt = {ExpiredAt:O} }}";
}
