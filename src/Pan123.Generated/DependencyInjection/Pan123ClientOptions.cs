namespace Pan123;

/// <summary>Settings of a 123pan client registered with <c>AddPan123Client</c>. Set either <see cref="AccessToken"/> or <see cref="ClientId"/> and <see cref="ClientSecret"/>.</summary>
public sealed class Pan123ClientOptions
{
    /// <summary>The platform's address, <c>https://open-api.123pan.com/</c>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://open-api.123pan.com/");

    /// <summary>
    /// Where the platform's API is. Must be HTTPS, except on a loopback address (a local sandbox).
    /// Defaults to <see cref="DefaultBaseAddress"/>.
    /// </summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>An access token obtained elsewhere, sent as <c>Authorization: Bearer</c>. Wins over client credentials. Never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The developer's client id, for tokens obtained with <c>POST /api/v1/access_token</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The developer's client secret that goes with <see cref="ClientId"/>. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// <see cref="ClientId"/> and <see cref="ClientSecret"/> are an OAuth app's: calls act for the user
    /// whose pair the token store holds (<see cref="OAuthTokenProvider"/>; store it first with
    /// <see cref="Pan123OAuth.ExchangeCodeAsync"/> or <c>pan123 login</c>). Needs a store that outlives
    /// the process: <see cref="TokenCachePath"/>, or Redis. Default: off (client credentials).
    /// </summary>
    public bool OAuthApp { get; set; }

    /// <summary>With client credentials: how long before <c>expiredAt</c> a token is renewed. Default: 5 minutes.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// With client credentials: a file where tokens outlive the process and are shared, under a lock,
    /// by every process that names it (<see cref="FileTokenStore"/>; <see cref="FileTokenStore.DefaultPath"/>
    /// is the usual place). <see langword="null"/> (the default) keeps them in memory.
    /// </summary>
    public string? TokenCachePath { get; set; }

    /// <summary>
    /// Client-side request rates per operation, keyed by the contract's operation id
    /// (<c>GetDownloadInfo</c>, <c>GetAccessToken</c>), per registered client (so per account).
    /// The defaults are the platform's documented limits for a free account, as each operation's
    /// <c>x-rate-limit</c> in the contract states them (read at build time): GetDownloadInfo 5/s,
    /// GetAccessToken 8/s, GetFileList 5/s, GetOAuthToken 1/s (the platform allows 100 a minute);
    /// none where the platform documents none. Set your key's own (a VIP's are higher); set a value
    /// to 0 or remove it for no limit.
    /// </summary>
    public IDictionary<string, int> RequestsPerSecond { get; } = ContractRateLimits();

    /// <summary>How many times a transient failure (HTTP 408/429/5xx, a connection error, a timeout, body code 429 or 20103) is retried. Default: 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; it grows exponentially, with jitter. A <c>Retry-After</c> header wins. Default: 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take. Default: 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The bound on one platform call, from the caller's side: every attempt, the rate limiter's waits, and a renewal after code 401 with its second attempt (not a download's CDN transfer, which <see cref="Pan123DownloadOptions.StallTimeout"/> watches). Default: 3 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Describes the options without the token or the secret.</summary>
    /// <returns>The base address and which credentials are set.</returns>
    public override string ToString() =>
        $"BaseAddress={BaseAddress}, AccessToken={(AccessToken is null ? "not set" : "set (hidden)")}, ClientId={ClientId ?? "not set"}, ClientSecret={(ClientSecret is null ? "not set" : "set (hidden)")}";

    // Every generated client's limits, from the contract: a new operation or tag needs no C# here.
    private static Dictionary<string, int> ContractRateLimits() =>
        Pan123GeneratedClients.All.SelectMany(client => client.RateLimits)
            .Where(limit => limit.Value > 0)
            .ToDictionary(limit => limit.Key, limit => limit.Value, StringComparer.Ordinal);
}
