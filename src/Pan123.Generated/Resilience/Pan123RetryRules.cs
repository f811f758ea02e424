namespace Pan123;

/// <summary>
/// Which failures are worth another attempt on this platform: the usual transient HTTP failures
/// (408, 429, 5xx, connection errors, attempt timeouts) and the body codes 429 and 20103, which
/// arrive with HTTP 200. Codes 1, 5066, 5113 and 401 are final (401 is handled once, by the token
/// refresh, outside the retries).
/// </summary>
internal static class Pan123RetryRules
{
    // The platform asks to retry a file that is being verified "after about one second".
    private static readonly TimeSpan FileVerifyingDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// For the token request: each answered request may mint a token, and the platform keeps only 3
    /// live ones per client id, so it is retried only when it provably minted none: the connection was
    /// refused, or the answer was 429. A timeout or a 5xx may have minted one, so it is not retried.
    /// </summary>
    public static ValueTask<bool> ShouldRetryTokenRequestAsync(Polly.Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) =>
        ValueTask.FromResult(!cancellationToken.IsCancellationRequested && (
            outcome.Exception is HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } }
            || outcome.Result is { StatusCode: System.Net.HttpStatusCode.TooManyRequests }
            || (outcome.Result is { StatusCode: System.Net.HttpStatusCode.OK } response && ResponseEnvelope.Of(response).Code == Pan123ErrorCodes.TooManyRequests)));

    public static ValueTask<bool> ShouldRetryAsync(Polly.Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            return ValueTask.FromResult(!cancellationToken.IsCancellationRequested);
        }

        if (outcome.Result is not { } response)
        {
            return ValueTask.FromResult(false);
        }

        var status = (int)response.StatusCode;
        return ValueTask.FromResult(status is 408 or 429 or >= 500
            || (response.StatusCode == System.Net.HttpStatusCode.OK && ResponseEnvelope.Of(response).Code is { } code && Pan123ErrorCodes.IsTransient(code)));
    }

    /// <summary>Why <paramref name="outcome"/> is retried, for the retry's log, metric and span event.</summary>
    public static string Reason(Polly.Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: Polly.Timeout.TimeoutRejectedException } => "timeout",
        { Exception: not null } => "connection_error",
        { Result.StatusCode: System.Net.HttpStatusCode.TooManyRequests } => "rate_limited",
        { Result.StatusCode: System.Net.HttpStatusCode.RequestTimeout } => "timeout",
        { Result: { } response } when (int)response.StatusCode >= 500 => "server_error",
        { Result: { } response } => ResponseEnvelope.Of(response).Code switch
        {
            Pan123ErrorCodes.TooManyRequests => "rate_limited",
            Pan123ErrorCodes.FileVerifying => "file_verifying",
            _ => "other",
        },
        _ => "other",
    };

    /// <summary>The delay the server asked for (Retry-After, or 1 s for code 20103); null for the exponential backoff.</summary>
    public static ValueTask<TimeSpan?> ServerDelayAsync(Polly.Outcome<HttpResponseMessage> outcome, TimeProvider time) =>
        ValueTask.FromResult(
            outcome.Result is not { } response ? null
            : response.Headers.RetryAfter is { } retryAfter ? retryAfter.Delta ?? (retryAfter.Date is { } date ? Max(date - time.GetUtcNow(), TimeSpan.Zero) : null)
            : response.StatusCode == System.Net.HttpStatusCode.OK && ResponseEnvelope.Of(response).Code == Pan123ErrorCodes.FileVerifying ? FileVerifyingDelay
            : (TimeSpan?)null);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
