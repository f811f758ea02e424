namespace Pan123;

/// <summary>
/// Paces the platform calls of one registration (one account), per operation id (<c>GetDownloadInfo</c>,
/// ...). The default keeps the limits in the process; <c>Pan123.Generated.Redis</c> shares them with
/// every process and machine of the account, so that the platform's per-account limit holds for the
/// whole fleet.
/// </summary>
public interface IPan123RateLimiter
{
    /// <summary>Waits until a request of <paramref name="operationId"/> may go out (and any pause of it has ended).</summary>
    /// <param name="operationId">The contract's operation id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the request may go out.</returns>
    ValueTask WaitAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>
    /// Holds every request of <paramref name="operationId"/> back for <paramref name="delay"/>: the
    /// platform answered 429, and every other caller would only be refused too.
    /// </summary>
    /// <param name="operationId">The contract's operation id.</param>
    /// <param name="delay">How long to hold back (the server's Retry-After or the retry's backoff).</param>
    /// <param name="cancellationToken">Cancels recording the pause.</param>
    /// <returns>A task that completes when the pause is recorded.</returns>
    ValueTask PauseAsync(string operationId, TimeSpan delay, CancellationToken cancellationToken);
}
