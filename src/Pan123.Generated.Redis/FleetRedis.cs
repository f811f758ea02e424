namespace Pan123.Redis;

using Microsoft.Extensions.Logging;
using StackExchange.Redis;

/// <summary>
/// The one way the library talks to Redis, and the owner of what happens while Redis is away. A Redis
/// lost after it was reached (closed, refusing, hanging, failing over, loading after a restart) is an
/// outage: commands wait for it with backoff for up to <see cref="Pan123RedisOptions.OutageTolerance"/>,
/// or go to this process's own limiter and token store when <see cref="Pan123RedisOptions.FallBackToLocal"/>
/// allows; one warning per outage, one line when it ends. A Redis never reached is a configuration
/// error and fails within <see cref="FirstContact"/>.
/// </summary>
internal sealed partial class FleetRedis
{
    /// <summary>
    /// How long a process that never reached Redis tries, from the first call that needs it, the
    /// connection included (its own timeout is at most 2 s with <see cref="Microsoft.Extensions.DependencyInjection.Pan123RedisBuilderExtensions.Connect"/>):
    /// a wrong host, port or password is a configuration error, not an outage.
    /// </summary>
    internal static readonly TimeSpan FirstContact = TimeSpan.FromSeconds(2.5);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50), MostBackoff = TimeSpan.FromSeconds(1);

    // Error replies that a restart or a failover gives for a while; any other reply (NOPERM, WRONGPASS,
    // WRONGTYPE) is a configuration error that waiting cannot fix.
    private static readonly string[] TransientReplies = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"];

    private readonly Lazy<Task<IConnectionMultiplexer>> _connecting;
    private readonly Pan123RedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IConnectionMultiplexer? _redis;
    private long? _firstNeed;
    private bool _reached;
    private long? _outageSince;

    /// <param name="connect">Opens the connection; called once, by the first call that needs Redis.</param>
    /// <param name="options">The fleet's settings.</param>
    /// <param name="time">The clock of the backoff and the outage tolerance.</param>
    /// <param name="logger">Where outages are told.</param>
    /// <param name="localLimiter">This process's own limiter.</param>
    /// <param name="localTokens">This process's own token store.</param>
    public FleetRedis(Func<Task<IConnectionMultiplexer>> connect, Pan123RedisOptions options, TimeProvider time, ILogger logger, IPan123RateLimiter localLimiter, IPan123TokenStore localTokens)
    {
        (_options, _time, _logger) = (options, time, logger);
        (LocalLimiter, LocalTokens) = (localLimiter, localTokens);
        _connecting = new(connect);
    }

    /// <summary>This process's own limiter: used while Redis is away, when <see cref="Pan123RedisOptions.FallBackToLocal"/> allows.</summary>
    public IPan123RateLimiter LocalLimiter { get; }

    /// <summary>This process's own token store, likewise.</summary>
    public IPan123TokenStore LocalTokens { get; }

    /// <summary>Redis, for what needs no outage handling (the lease's renewal and release, which its expiry backs).</summary>
    public IDatabase Database => (_redis ?? throw new InvalidOperationException("Redis was not reached yet.")).GetDatabase();

    /// <summary>The lease on the fleet's token lock.</summary>
    public TimeSpan Lease => _options.TokenLockLease >= TimeSpan.FromSeconds(1)
        ? _options.TokenLockLease
        : throw new ArgumentOutOfRangeException(nameof(Pan123RedisOptions.TokenLockLease), $"Pan123RedisOptions.TokenLockLease must be at least 1 s ({_options.TokenLockLease}).");

    /// <summary>How long one process waits for another's token request.</summary>
    public TimeSpan TokenLockTimeout => _options.TokenLockTimeout;

    /// <summary>
    /// Runs <paramref name="command"/>; while Redis is away, runs <paramref name="local"/> instead where the
    /// fallback is allowed and given, else tries again with backoff until the outage is older than the
    /// tolerance, then throws <see cref="Pan123RedisException"/>.
    /// </summary>
    /// <param name="what">What the fleet is doing, for the warning and the exception: "waiting for the rate limit".</param>
    /// <param name="command">The Redis command(s); run again after a failure, so it must be safe to repeat.</param>
    /// <param name="local">This process's own way to do it, or null where there is none.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async ValueTask<T> RunAsync<T>(string what, Func<IDatabase, Task<T>> command, Func<CancellationToken, ValueTask<T>>? local, CancellationToken cancellationToken)
    {
        var redis = _redis ?? await ConnectAsync(what, cancellationToken).ConfigureAwait(false);
        long? waiting = null;
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                var result = await command(redis.GetDatabase()).WaitAsync(cancellationToken).ConfigureAwait(false);
                Reached();
                if (waiting is { } since)
                {
                    Pan123Telemetry.RedisWaited(_time.GetElapsedTime(since));
                }

                return result;
            }
            catch (Exception e) when (IsOutage(e))
            {
                var (reached, outageAge) = Failed(e, what);
                if (!reached)
                {
                    if (FirstContactLeft() <= TimeSpan.Zero || IsAuthenticationFailure(e))
                    {
                        throw new Pan123RedisException(what, e);
                    }
                }
                else if (_options.FallBackToLocal && local is not null)
                {
                    return await local(cancellationToken).ConfigureAwait(false);
                }
                else if (outageAge >= _options.OutageTolerance)
                {
                    if (waiting is { } since)
                    {
                        Pan123Telemetry.RedisWaited(_time.GetElapsedTime(since));
                    }

                    throw new Pan123RedisException($"{what}, for longer than the outage tolerance ({_options.OutageTolerance.TotalSeconds:0.###} s)", e);
                }

                waiting ??= _time.GetTimestamp();
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 < MostBackoff ? backoff * 2 : MostBackoff;
            }
            catch (Exception e) when (e is RedisException)
            {
                // Redis answered, with a refusal that waiting cannot fix (rights, a wrong type under our key).
                throw new Pan123RedisException(what, e);
            }
        }
    }

    /// <summary>As <see cref="RunAsync{T}"/> for a command without a result.</summary>
    public async ValueTask RunAsync(string what, Func<IDatabase, Task> command, Func<CancellationToken, ValueTask>? local, CancellationToken cancellationToken) =>
        await RunAsync<bool>(
            what,
            async database =>
            {
                await command(database).ConfigureAwait(false);
                return true;
            },
            local is null ? null : async ct =>
            {
                await local(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    // The connection, opened once; a connection not made within the first contact is a configuration error.
    private async Task<IConnectionMultiplexer> ConnectAsync(string what, CancellationToken cancellationToken)
    {
        try
        {
            var left = FirstContactLeft();
            return _redis = await _connecting.Value.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new Pan123RedisException(what, new TimeoutException($"no connection within {FirstContact.TotalSeconds:0.###} s", e));
        }
        catch (RedisException e)
        {
            throw new Pan123RedisException(what, e);
        }
    }

    // The first-contact time left, counted from the first call that needed Redis.
    private TimeSpan FirstContactLeft()
    {
        long firstNeed;
        lock (_gate)
        {
            firstNeed = _firstNeed ??= _time.GetTimestamp();
        }

        return FirstContact - _time.GetElapsedTime(firstNeed);
    }

    // A wrong password: StackExchange.Redis reports "no connection available" with the refused handshake inside.
    private static bool IsAuthenticationFailure(Exception? failure) =>
        failure is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } || failure?.InnerException is { } inner && IsAuthenticationFailure(inner);

    /// <summary>Whether <paramref name="failure"/> says Redis is away for now, rather than that it refused.</summary>
    internal static bool IsOutage(Exception failure) => failure switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => TransientReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };

    private void Reached()
    {
        TimeSpan? ended = null;
        lock (_gate)
        {
            _reached = true;
            if (_outageSince is { } since)
            {
                ended = _time.GetElapsedTime(since);
                _outageSince = null;
            }
        }

        if (ended is { } duration)
        {
            OutageEnded(_logger, duration.TotalSeconds);
        }
    }

    // Records the failure: the first one after Redis was reached starts an outage (one warning, one count).
    private (bool Reached, TimeSpan OutageAge) Failed(Exception failure, string what)
    {
        bool started;
        long since;
        lock (_gate)
        {
            if (!_reached)
            {
                return (false, TimeSpan.Zero);
            }

            started = _outageSince is null;
            _outageSince ??= _time.GetTimestamp();
            since = _outageSince.Value;
        }

        if (started)
        {
            Pan123Telemetry.RedisOutage();
            if (_options.FallBackToLocal)
            {
                FallingBack(_logger, what, failure.Message);
            }
            else
            {
                OutageStarted(_logger, what, failure.Message, _options.OutageTolerance.TotalSeconds);
            }
        }

        return (true, _time.GetElapsedTime(since));
    }

    [LoggerMessage(20, LogLevel.Warning, "Redis is unreachable while {What} ({Reason}); this process falls back to its own rate limiter and token store, unshared with the fleet, until it returns")]
    private static partial void FallingBack(ILogger logger, string what, string reason);

    [LoggerMessage(21, LogLevel.Warning, "Redis is unreachable while {What} ({Reason}); platform calls wait for it for up to {ToleranceSeconds} s, transfers under way go on")]
    private static partial void OutageStarted(ILogger logger, string what, string reason, double toleranceSeconds);

    [LoggerMessage(22, LogLevel.Information, "Redis is back after {Seconds:0.0} s; the fleet shares tokens and limits again")]
    private static partial void OutageEnded(ILogger logger, double seconds);
}
