using System.Net;
using Microsoft.Extensions.Options;

namespace Pan123;

/// <summary>Checks <see cref="Pan123ClientOptions"/> at start-up, so a bad setting fails before the first request.</summary>
internal sealed class Pan123ClientOptionsValidator : IValidateOptions<Pan123ClientOptions>
{
    public ValidateOptionsResult Validate(string? name, Pan123ClientOptions options)
    {
        var failures = new List<string>();
        if (BaseAddressProblem(options.BaseAddress) is { } addressProblem)
        {
            failures.Add(addressProblem);
        }

        if (AccessTokenFormat.Problem(options.AccessToken) is { } tokenProblem)
        {
            failures.Add("Pan123ClientOptions.AccessToken " + tokenProblem + ".");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static string? BaseAddressProblem(Uri? address) =>
        address is null ? "Pan123ClientOptions.BaseAddress is not set."
        : !address.IsAbsoluteUri ? $"Pan123ClientOptions.BaseAddress '{address}' is not an absolute URI."
        : address.Scheme == Uri.UriSchemeHttps ? null
        : address.Scheme == Uri.UriSchemeHttp && IsLoopback(address) ? null
        : $"Pan123ClientOptions.BaseAddress '{address}' must use https (plain http is accepted only on loopback): the access token travels in its requests.";

    internal static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
}
