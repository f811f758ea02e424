using Newtonsoft.Json.Linq;
using StackExchange.Redis;

namespace Pan123.Redis;

/// <summary>
/// The token store on Redis: any number of processes on any number of machines make one token
/// request per token lifetime. <see cref="UpdateAsync"/> takes a lock key with an expiry (the holder
/// fetches; the others wait, then read what it stored); the token is stored with its own expiry.
/// </summary>
internal sealed class RedisTokenStore(IConnectionMultiplexer redis, RedisKeys keys, Pan123RedisOptions options, TimeProvider time, LocalFallback fallback) : IPan123TokenStore
{
    // Deletes the lock only when it is still ours: a lease that ran out may have passed to another process.
    // KEYS: the lock; ARGV: its owner. (KEYS and ARGV rather than LuaScript's parameter object: see RedisRateLimiter.)
    private const string Release = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    // Extends the lease only while the lock is still ours. KEYS: the lock; ARGV: its owner, the lease in ms.
    private const string Renew = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    public async ValueTask<CachedAccessToken?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return Parse(await redis.GetDatabase().StringGetAsync(keys.Token(key)).ConfigureAwait(false));
        }
        catch (Exception e) when (fallback.Allows(e, "reading the token"))
        {
            return await fallback.Tokens.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LocalFallback.IsRedisFailure(e))
        {
            throw new Pan123RedisException("reading the token", e);
        }
    }

    public async ValueTask<CachedAccessToken> UpdateAsync(string key, Func<CachedAccessToken?, CancellationToken, ValueTask<CachedAccessToken>> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var database = redis.GetDatabase();
        var owner = Guid.NewGuid().ToString("N");
        try
        {
            await LockAsync(database, keys.TokenLock(key), owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (fallback.Allows(e, "taking the token lock"))
        {
            return await fallback.Tokens.UpdateAsync(key, update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LocalFallback.IsRedisFailure(e))
        {
            throw new Pan123RedisException("taking the token lock", e);
        }

        using var renewing = new CancellationTokenSource();
        var renewal = RenewAsync(database, keys.TokenLock(key), owner, renewing.Token);
        try
        {
            var current = Parse(await database.StringGetAsync(keys.Token(key)).ConfigureAwait(false));
            var next = await update(current, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(next, current))
            {
                // An OAuth pair lives as long as its refresh token (about 90 days), not its access token.
                var lifetime = next.RefreshToken is not null ? TimeSpan.FromDays(100) : next.ExpiredAt - time.GetUtcNow();
                await database.StringSetAsync(keys.Token(key), Serialize(next), lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromHours(1)).ConfigureAwait(false);
            }

            return next;
        }
        catch (Exception e) when (LocalFallback.IsRedisFailure(e))
        {
            throw new Pan123RedisException("storing the token", e);
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await database.ScriptEvaluateAsync(Release, [keys.TokenLock(key)], [owner], CommandFlags.FireAndForget).ConfigureAwait(false);
            }
            catch (Exception e) when (LocalFallback.IsRedisFailure(e))
            {
                // The lease runs out by itself.
            }
        }
    }

    public async ValueTask CheckpointAsync(string key, CachedAccessToken token, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Token(key), Serialize(token), TimeSpan.FromDays(100)).ConfigureAwait(false);
        }
        catch (Exception e) when (fallback.Allows(e, "storing a checkpoint"))
        {
            await fallback.Tokens.CheckpointAsync(key, token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LocalFallback.IsRedisFailure(e))
        {
            throw new Pan123RedisException("storing a checkpoint", e);
        }
    }

    private TimeSpan Lease => options.TokenLockLease >= TimeSpan.FromSeconds(1)
        ? options.TokenLockLease
        : throw new ArgumentOutOfRangeException(nameof(options), $"Pan123RedisOptions.TokenLockLease must be at least 1 s ({options.TokenLockLease}).");

    // Keeps the lease alive while the holder's token request runs, so a slow request never lets a second
    // process mint a second token; a holder that dies stops renewing and the lease runs out.
    private async Task RenewAsync(IDatabase database, RedisKey lockKey, string owner, CancellationToken stop)
    {
        var lease = Lease;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(lease / 3, time, stop).ConfigureAwait(false);
            try
            {
                await database.ScriptEvaluateAsync(Renew, [lockKey], [owner, (long)lease.TotalMilliseconds]).ConfigureAwait(false);
            }
            catch (Exception e) when (LocalFallback.IsRedisFailure(e))
            {
                // Redis is away: the next renewal tries again, and the lease covers the gap or runs out.
            }
        }
    }

    // SET NX with a lease: the holder fetches; everyone else polls until it lets go, then re-reads.
    private async Task LockAsync(IDatabase database, RedisKey lockKey, string owner, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (!await database.StringSetAsync(lockKey, owner, Lease, When.NotExists).ConfigureAwait(false))
        {
            if (time.GetElapsedTime(started) > options.TokenLockTimeout)
            {
                throw new TimeoutException($"Another process held the fleet's token lock for more than {options.TokenLockTimeout}.");
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
