namespace Pan123.Redis;

/// <summary>Settings of the Redis-shared tokens, limits and backoff (<see cref="Microsoft.Extensions.DependencyInjection.Pan123RedisBuilderExtensions"/>).</summary>
public sealed class Pan123RedisOptions
{
    /// <summary>The prefix of every key this library writes. Default: <c>pan123</c>.</summary>
    public string KeyPrefix { get; set; } = "pan123";

    /// <summary>
    /// When Redis cannot be reached, fall back to this process's own limiter and token store (with one
    /// warning) instead of failing the call. Default: off, because a silent fallback brings back the
    /// 429 storm and the token churn that sharing exists to prevent.
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
