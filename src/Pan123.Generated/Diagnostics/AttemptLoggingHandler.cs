namespace Pan123;

/// <summary>
/// Logs every attempt that reaches the wire (inside the retries): operation, HTTP status, envelope
/// code, x-traceID and duration. Neither headers nor the query are logged, so no token leaks.
/// </summary>
internal sealed class AttemptLoggingHandler(Microsoft.Extensions.Logging.ILogger logger, TimeProvider time) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("Pan123.Attempt");

    /// <summary>How many attempts of <paramref name="request"/> reached the wire.</summary>
    public static int AttemptsOf(HttpRequestMessage request) => request.Options.TryGetValue(AttemptKey, out var attempts) ? attempts : 0;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = (request.Options.TryGetValue(AttemptKey, out var previous) ? previous : 0) + 1;
        request.Options.Set(AttemptKey, attempt);
        var started = time.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
        {
            var envelope = ResponseEnvelope.Of(response);
            Pan123Log.Attempt(logger, OperationName.Of(request), attempt, (int)response.StatusCode, envelope.Code, envelope.TraceId, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }

        return response;
    }
}
