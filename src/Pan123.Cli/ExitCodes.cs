namespace Pan123.Cli;

/// <summary>The exit codes of <c>pan123</c>, as documented in <c>--help</c>, which docs/cli.md quotes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The platform answered with an error code.</summary>
    public const int PlatformError = 1;

    /// <summary>
    /// Bad usage or input, or a refusal that protects the user's files (the destination exists with
    /// other content, or another download holds it) or that no retry can mend (--direct where the
    /// direct-link space wants signed links); always before a byte of the destination is written.
    /// </summary>
    public const int Usage = 2;

    /// <summary>Network, HTTP, protocol or integrity failure after retries.</summary>
    public const int TransferFailure = 3;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;

    public const string HelpText = """
        Exit codes:
          0    success
          1    the platform answered with an error code (stderr shows the code, message and x-traceID)
          2    bad usage or input, or a refusal that protects your files, always before a byte of the destination is written
               (a fileId that is not a positive integer, missing credentials, an output path that is a directory, an id that
               names a folder; the destination exists with other content (use --force) or another download is writing it;
               --direct for a direct-link space whose links must be signed)
          3    transport or integrity failure after retries (network error, HTTP 5xx, a body that is not the expected JSON, size/MD5 mismatch,
               Redis never reached, or lost for longer than PAN123_REDIS_TOLERANCE, with PAN123_REDIS set)
          130  cancelled with Ctrl+C (a download's .part file is kept for resuming)

        Configuration (options first, then environment):
          --base-url / PAN123_BASE_URL     the API address (default https://open-api.123pan.com)
          PAN123_ACCESS_TOKEN              an access token; it is never accepted as an argument nor printed
          PAN123_CLIENT_ID + PAN123_CLIENT_SECRET   client credentials, used when no access token is set; for an OAuth
                                           app, 'pan123 login' stores a user's pair and later commands act for that user
          Credentials, first match wins: PAN123_ACCESS_TOKEN; a stored OAuth pair (pan123 login); client credentials.
          PAN123_REDIS                     a StackExchange.Redis connection string: share tokens, rate limits and 429 pauses with every
                                           other worker of the account (a fleet)
          PAN123_REDIS_TOLERANCE           seconds platform calls wait for a lost Redis before exit 3 (default 30)
          PAN123_REDIS_LOCK_LEASE          seconds a dead worker can hold the fleet's token lock (default 30)
          PAN123_REDIS_PREFIX              the prefix of the fleet's Redis keys, one per environment (default pan123)
          --sandbox                        use the embedded sandbox platform instead: no account or network needed
        """;
}
