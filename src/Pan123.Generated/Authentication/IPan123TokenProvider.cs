namespace Pan123;

/// <summary>Supplies the access token that the 123pan clients send as <c>Authorization: Bearer</c>.</summary>
public interface IPan123TokenProvider
{
    /// <summary>Returns a token that is valid now. Implementations cache it: the platform allows few live tokens per client id.</summary>
    /// <param name="cancellationToken">Cancels the wait for a token.</param>
    /// <returns>The access token, without the <c>Bearer</c> prefix.</returns>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called once when the platform answered code 401 to a request made with <paramref name="rejectedToken"/>.
    /// Returns a different, fresh token, or <see langword="null"/> when this provider cannot get one
    /// (the 401 then reaches the caller). Concurrent callers with the same rejected token share one refresh.
    /// </summary>
    /// <param name="rejectedToken">The token the platform refused.</param>
    /// <param name="cancellationToken">Cancels the wait for a token.</param>
    /// <returns>A new token, or <see langword="null"/>.</returns>
    ValueTask<string?> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken = default);
}
