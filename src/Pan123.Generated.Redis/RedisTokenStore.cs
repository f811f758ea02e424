namespace Pan123.Redis;

using Newtonsoft.Json.Linq;
using StackExchange.Redis;

/// <summary>
/// The token store on Redis: any number of processes on any number of machines make one token
/// request per token lifetime. <see cref="UpdateAsync"/> takes a lock key with an expiry (the holder
/// fetches; the others wait, then read what it stored); the token is stored with its own expiry.
/// </summary>
internal sealed class RedisTokenStore(FleetRedis redis, RedisKeys keys, TimeProvider time) : IPan123TokenStore
{
    // Deletes the lock only when it is still ours: a lease that ran out may have passed to another process.
    // KEYS: the lock; ARGV: its owner. (KEYS and ARGV rather than LuaScript's parameter object: see RedisRateLimiter.)
    private const string Release = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    // Extends the lease only while the lock is still ours. KEYS: the lock; ARGV: its owner, the lease in ms.
    private const string Renew = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    // Takes the lock, or finds it already ours: a try that timed out may have taken it before the answer
    // was lost, and asking again must not wait out our own lease. KEYS: the lock; ARGV: owner, lease in ms.
    private const string Take = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        return 0
        """;

    private enum Lock
    {
        Held,
        Taken,
        Local,
    }

    public ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        redis.RunAsync(
            "reading the token",
            async database => Parse(await database.StringGetAsync(keys.Token(key)).ConfigureAwait(false)),
            ct => redis.LocalTokens.ReadAsync(key, ct),
            cancellationToken);

    public async ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var owner = Guid.NewGuid().ToString("N");
        if (await LockAsync(keys.TokenLock(key), owner, cancellationToken).ConfigureAwait(false) == Lock.Local)
        {
            return await redis.LocalTokens.UpdateAsync(key, update, cancellationToken).ConfigureAwait(false);
        }

        using var renewing = new CancellationTokenSource();
        var renewal = RenewAsync(keys.TokenLock(key), owner, renewing.Token);
        try
        {
            var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            var next = await update(current, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(next, current))
            {
                // An OAuth pair lives as long as its refresh token (about 90 days), not its access token.
                var lifetime = next.RefreshToken is not null ? TimeSpan.FromDays(100) : next.ExpiredAt - time.GetUtcNow();
                var stored = Serialize(next);
                await redis.RunAsync(
                    "storing the token",
                    database => database.StringSetAsync(keys.Token(key), stored, lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromHours(1)),
                    ct => redis.LocalTokens.CheckpointAsync(key, next, ct),
                    cancellationToken).ConfigureAwait(false);
            }

            return next;
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await redis.Database.ScriptEvaluateAsync(Release, [keys.TokenLock(key)], [owner], CommandFlags.FireAndForget).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The lease runs out by itself.
            }
        }
    }

    public ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        var stored = Serialize(token);
        return redis.RunAsync(
            "storing a checkpoint",
            database => database.StringSetAsync(keys.Token(key), stored, TimeSpan.FromDays(100)),
            ct => redis.LocalTokens.CheckpointAsync(key, token, ct),
            cancellationToken);
    }

    // Keeps the lease alive while the holder's token request runs, so a slow request never lets a second
    // process mint a second token; a holder that dies stops renewing and the lease runs out.
    private async Task RenewAsync(RedisKey lockKey, string owner, CancellationToken stop)
    {
        var lease = redis.Lease;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(lease / 3, time, stop).ConfigureAwait(false);
            try
            {
                await redis.Database.ScriptEvaluateAsync(Renew, [lockKey], [owner, (long)lease.TotalMilliseconds]).ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Redis is away: the next renewal tries again, and the lease covers the gap or runs out.
            }
        }
    }

    // The holder fetches; everyone else polls until it lets go, then re-reads what it stored.
    private async Task<Lock> LockAsync(RedisKey lockKey, string owner, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var lease = (long)redis.Lease.TotalMilliseconds;
        while (true)
        {
            var taken = await redis.RunAsync(
                "taking the token lock",
                async database => (long)await database.ScriptEvaluateAsync(Take, [lockKey], [owner, lease]).ConfigureAwait(false) == 1 ? Lock.Taken : Lock.Held,
                _ => ValueTask.FromResult(Lock.Local),
                cancellationToken).ConfigureAwait(false);
            if (taken != Lock.Held)
            {
                return taken;
            }

            if (time.GetElapsedTime(started) > redis.TokenLockTimeout)
            {
                throw new TimeoutException($"Another process held the fleet's token lock for more than {redis.TokenLockTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Serialize(CachedAccessToken token) => TokenEntry.ToJson(token).ToString(Newtonsoft.Json.Formatting.None);

    private static CachedAccessToken? Parse(RedisValue value)
    {
        try
        {
            return value.IsNullOrEmpty ? null : TokenEntry.FromJson(JObject.Parse(value.ToString()));
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }
}
