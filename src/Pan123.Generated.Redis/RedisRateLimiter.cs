namespace Pan123.Redis;

using StackExchange.Redis;

/// <summary>
/// The per-operation limits of one account, shared by the fleet: a sliding window (<see cref="Window"/>)
/// kept in a sorted set per operation, checked and taken
/// atomically in one Lua script on Redis's own clock (so machines with different clocks agree), and a
/// pause key that a 429 anywhere sets for everyone.
/// </summary>
internal sealed class RedisRateLimiter(FleetRedis redis, RedisKeys keys, IReadOnlyDictionary<string, int> requestsPerSecond, TimeProvider time) : IPan123RateLimiter
{
    // Wider than the local limiter's 1.025 s: the request still has to leave another, possibly cold,
    // process after the grant, and a late one must not share the platform's second with the next window's.
    internal static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1100);

    // Scripts take KEYS and ARGV, not LuaScript's named parameters: those are read from an object by
    // compiled expressions, which a trimmed, native pan123 cannot rely on.

    // KEYS: window, pause; ARGV: limit, window (ms), member. Returns 0 when a permit was taken, else how
    // many milliseconds to wait before asking again.
    private const string Acquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local paused = redis.call('PTTL', KEYS[2])
        if paused > 0 then return paused end
        local window = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('ZADD', KEYS[1], now, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], window)
          return 0
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return math.max(1, tonumber(oldest[2]) + window - now)
        """;

    // KEYS: pause; ARGV: delay (ms). Extends the pause, never shortens it.
    private const string Pause = """
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        end
        return 0
        """;

    public async ValueTask WaitAsync(string operationId, CancellationToken cancellationToken)
    {
        var limit = requestsPerSecond.TryGetValue(operationId, out var perSecond) && perSecond > 0 ? perSecond : 0;
        var window = (long)Window.TotalMilliseconds;

        // One member for every try of this call: a timed-out script that Redis runs late takes no second permit.
        var member = Guid.NewGuid().ToString("N");
        while (true)
        {
            var wait = await redis.RunAsync(
                "waiting for the rate limit",
                async database => limit == 0
                    ? (long)((await database.KeyTimeToLiveAsync(keys.Pause(operationId)).ConfigureAwait(false))?.TotalMilliseconds ?? 0)
                    : (long)await database.ScriptEvaluateAsync(Acquire, [keys.Window(operationId), keys.Pause(operationId)], [limit, window, member]).ConfigureAwait(false),
                async ct =>
                {
                    await redis.LocalLimiter.WaitAsync(operationId, ct).ConfigureAwait(false);
                    return 0L;
                },
                cancellationToken).ConfigureAwait(false);
            if (wait <= 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(wait), time, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask PauseAsync(string operationId, TimeSpan delay, CancellationToken cancellationToken) =>
        redis.RunAsync(
            "pausing after a 429",
            database => database.ScriptEvaluateAsync(Pause, [keys.Pause(operationId)], [(long)Math.Max(1, delay.TotalMilliseconds)]),
            ct => redis.LocalLimiter.PauseAsync(operationId, delay, ct),
            cancellationToken);
}
