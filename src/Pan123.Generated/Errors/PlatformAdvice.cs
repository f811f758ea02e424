namespace Pan123;

/// <summary>
/// What to do about a platform error code, in one sentence: the one place the library's exceptions
/// and the tool take it from. Null for a code whose remedy the platform does not document.
/// </summary>
internal static class PlatformAdvice
{
    public static string? For(int errorCode, string? platformMessage) => errorCode switch
    {
        Pan123ErrorCodes.InvalidAccessToken when TokenLimitGuard.IsTokenLimit(platformMessage) =>
            "this client id has more than 3 live tokens (other processes or machines fetched their own), so the platform pushed this one offline and one fresh token did not help: share one token between processes (a token store, or Redis for a fleet) instead of minting more",
        Pan123ErrorCodes.InvalidAccessToken =>
            "the access token was refused and a renewed one did not help: check the credentials (a fixed access token may have expired)",
        Pan123ErrorCodes.TooManyRequests =>
            "the account's rate limit for this operation was exceeded even after retries: another process may be using the same account; share the limit through Redis or lower RequestsPerSecond",
        Pan123ErrorCodes.FileNotFound =>
            "no file has this id in this account (an id changes when a file is overwritten): check the id by listing its folder",
        Pan123ErrorCodes.DownloadQuotaExceeded =>
            "the account's download quota for this period is used up: VIP or the next period lifts it, and what was already downloaded is kept",
        Pan123ErrorCodes.FileVerifying =>
            "the platform is still verifying the file: try again in a minute",
        Pan123ErrorCodes.InternalError =>
            "the platform failed internally: try again later, and quote the x-traceID to its support if it persists",
        _ => null,
    };
}
