namespace Pan123;

/// <summary>An access token that was obtained elsewhere (the platform console, a secret store) and is used as it is.</summary>
public sealed class StaticTokenProvider : IPan123TokenProvider
{
    private readonly string _accessToken;

    /// <summary>Wraps <paramref name="accessToken"/>.</summary>
    /// <param name="accessToken">The access token, without the <c>Bearer</c> prefix.</param>
    /// <exception cref="ArgumentException">The token is empty or contains whitespace or control characters.</exception>
    public StaticTokenProvider(string accessToken)
    {
        AccessTokenFormat.ThrowIfInvalid(accessToken, nameof(accessToken));
        _accessToken = accessToken;
    }

    /// <inheritdoc />
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<string>(cancellationToken)
            : ValueTask.FromResult(_accessToken);

    /// <summary>A static token cannot be renewed: the 401 reaches the caller.</summary>
    /// <param name="rejectedToken">The token the platform refused.</param>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns><see langword="null"/>.</returns>
    public ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(null);

    /// <summary>Names the type only: the token itself is never part of a string.</summary>
    /// <returns>A description without the token.</returns>
    public override string ToString() => nameof(StaticTokenProvider) + " (token hidden)";
}
