namespace Pan123;

/// <summary>Supplies the access token that the 123pan clients send as <c>Authorization: Bearer</c>.</summary>
public interface IPan123TokenProvider
{
    /// <summary>Returns a token that is valid now. Implementations cache it: the platform allows few live tokens per client id.</summary>
    /// <param name="cancellationToken">Cancels the wait for a token.</param>
    /// <returns>The access token, without the <c>Bearer</c> prefix.</returns>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default);
}
