namespace Pan123;

/// <summary>
/// When the platform answers code 401 to a request that carried a bearer token, asks the token
/// provider for a new token once and sends the request once more. A second 401, or a provider that
/// cannot refresh (a static token), reaches the caller as <see cref="Pan123ApiException"/>. The token
/// request itself carries no bearer token, so a failing refresh can never recurse.
/// </summary>
internal sealed class AccessTokenRefreshHandler(IPan123TokenProvider tokens, TokenLimitGuard limit, Microsoft.Extensions.Logging.ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var envelope = ResponseEnvelope.Of(response);
        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { } sent } || envelope.Code != Pan123ErrorCodes.InvalidAccessToken)
        {
            return response;
        }

        // Too many live tokens: one fresh token may help once (ours was pushed offline); more only makes it worse.
        if (TokenLimitGuard.IsTokenLimit(envelope.Message) && !limit.TryTakeRefresh())
        {
            return response;
        }

        var fresh = await tokens.RefreshAccessTokenAsync(sent, cancellationToken).ConfigureAwait(false);
        if (fresh is null || fresh == sent)
        {
            return response;
        }

        Pan123Log.TokenRejected(logger, OperationName.Of(request));
        Pan123Telemetry.Retry(System.Diagnostics.Activity.Current, OperationName.IdOf(request) ?? "unknown", "token_renewal", AttemptLoggingHandler.AttemptsOf(request) + 1);
        response.Dispose();
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
