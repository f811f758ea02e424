namespace Pan123;

/// <summary>Checks <see cref="Pan123ClientOptions"/> at start-up, so a bad setting fails before the first request.</summary>
internal sealed class Pan123ClientOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<Pan123ClientOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, Pan123ClientOptions options)
    {
        var failures = new List<string>();
        if (BaseAddressProblem(options.BaseAddress) is { } addressProblem)
        {
            failures.Add(addressProblem);
        }

        if (options.AccessToken is not null || options.ClientId is null)
        {
            if (AccessTokenFormat.Problem(options.AccessToken) is { } tokenProblem)
            {
                failures.Add("Pan123ClientOptions.AccessToken " + tokenProblem + (options.ClientId is null ? " and no ClientId/ClientSecret is set." : "."));
            }
        }
        else if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add($"Pan123ClientOptions.ClientId and ClientSecret must both be set for {(options.OAuthApp ? "an OAuth app" : "client credentials")}.");
        }

        if (options.MaxRetryAttempts < 0 || options.RetryBaseDelay < TimeSpan.Zero || options.AttemptTimeout <= TimeSpan.Zero
            || options.TotalTimeout <= TimeSpan.Zero || options.TokenRefreshMargin < TimeSpan.Zero)
        {
            failures.Add("Pan123ClientOptions: retries, delays, timeouts and the refresh margin must not be negative, and timeouts must be positive.");
        }

        if (options.RequestsPerSecond.Any(limit => limit.Value < 0))
        {
            failures.Add("Pan123ClientOptions.RequestsPerSecond values must not be negative.");
        }

        if (options.RequestsPerSecond.Keys.FirstOrDefault(key => key.Contains('/', StringComparison.Ordinal)) is { } path)
        {
            failures.Add($"Pan123ClientOptions.RequestsPerSecond is keyed by operation id (GetDownloadInfo, GetAccessToken), not by path: '{path}'.");
        }

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }

    internal static string? BaseAddressProblem(Uri? address) =>
        address is null ? "Pan123ClientOptions.BaseAddress is not set."
        : !address.IsAbsoluteUri ? $"Pan123ClientOptions.BaseAddress '{address}' is not an absolute URI."
        : address.Scheme == Uri.UriSchemeHttps ? null
        : address.Scheme == Uri.UriSchemeHttp && IsLoopback(address) ? null
        : $"Pan123ClientOptions.BaseAddress '{address}' must use https (plain http is accepted only on loopback): the access token travels in its requests.";

    internal static bool IsLoopback(Uri address) =>
        address.IsLoopback || (System.Net.IPAddress.TryParse(address.DnsSafeHost, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
