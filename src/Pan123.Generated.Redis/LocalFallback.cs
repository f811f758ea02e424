using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Pan123.Redis;

/// <summary>
/// What runs when Redis cannot be reached and <see cref="Pan123RedisOptions.FallBackToLocal"/> allows
/// it: this process's own limiter and token store, after one warning. Without the option every Redis
/// failure becomes a <see cref="Pan123RedisException"/>.
/// </summary>
internal sealed partial class LocalFallback(bool allowed, IPan123RateLimiter limiter, IPan123TokenStore tokens, ILogger logger)
{
    private int _warned;

    public IPan123RateLimiter Limiter => limiter;

    public IPan123TokenStore Tokens => tokens;

    /// <summary>Whether <paramref name="failure"/> is Redis being unreachable.</summary>
    public static bool IsRedisFailure(Exception failure) => failure is RedisException or RedisTimeoutException;

    /// <summary>Whether to go on locally after <paramref name="failure"/>; warns the first time.</summary>
    public bool Allows(Exception failure, string what)
    {
        if (!allowed || !IsRedisFailure(failure))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            FallingBack(logger, what, failure.Message);
        }

        return true;
    }

    [LoggerMessage(20, LogLevel.Warning, "Redis is unreachable while {What} ({Reason}); this process falls back to its own rate limiter and token store, unshared with the fleet")]
    private static partial void FallingBack(ILogger logger, string what, string reason);
}
