using System.Net;
using Polly;

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

    public static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status is 408 or 429 or >= 500)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        var envelope = await ResponseEnvelope.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return envelope.Code is { } code && Pan123ErrorCodes.IsTransient(code);
    }

    /// <summary>The delay the server asked for (Retry-After, or 1 s for code 20103); null for the exponential backoff.</summary>
    public static async ValueTask<TimeSpan?> ServerDelayAsync(Outcome<HttpResponseMessage> outcome, TimeProvider time, CancellationToken cancellationToken)
    {
        if (outcome.Result is not { } response)
        {
            return null;
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? Max(date - time.GetUtcNow(), TimeSpan.Zero) : null);
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            var envelope = await ResponseEnvelope.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            return envelope.Code == Pan123ErrorCodes.FileVerifying ? FileVerifyingDelay : null;
        }

        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
