namespace Pan123.Redis;

/// <summary>Settings of the Redis-shared tokens, limits and backoff (<see cref="Microsoft.Extensions.DependencyInjection.Pan123RedisBuilderExtensions"/>).</summary>
public sealed class Pan123RedisOptions
{
    /// <summary>The prefix of every key this library writes. Default: <c>pan123</c>.</summary>
    public string KeyPrefix { get; set; } = "pan123";

    /// <summary>
    /// How long platform calls wait for a Redis that was reached and then lost (a restart, a failover, a
    /// hang) before they fail with <see cref="Pan123RedisException"/>; CDN transfers under way go on
    /// meanwhile. A Redis never reached since the process started is a configuration error and fails
    /// within a few seconds whatever this says. Default: 30 s.
    /// </summary>
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While Redis is lost, go on with this process's own limiter and token store (one warning per
    /// outage) instead of waiting for it. Each process then allows itself the account's whole limit:
    /// a fleet of N workers may send N times the limit, and mint up to N tokens, until Redis returns.
    /// Default: off, because that brings back the 429 storm and the token churn that sharing exists to prevent.
    /// </summary>
    public bool FallBackToLocal { get; set; }

    /// <summary>How long a process waits for another's token request (the fleet's single flight) before it gives up. Default: 2 minutes.</summary>
    public TimeSpan TokenLockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The lease on the fleet's token lock, at least 1 s. The holder renews it every third of the lease while
    /// its token request runs, however long that takes; a holder that dies (SIGKILL, a lost machine) delays
    /// the others by at most this much. Default: 30 s.
    /// </summary>
    public TimeSpan TokenLockLease { get; set; } = TimeSpan.FromSeconds(30);
}
