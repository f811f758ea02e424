using Pan123;

namespace Microsoft.Extensions.DependencyInjection;

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pan123.Redis;
using StackExchange.Redis;

/// <summary>Shares a 123pan registration's tokens, rate limits and 429 backoff with every process and machine of the account, through Redis.</summary>
public static class Pan123RedisBuilderExtensions
{
    /// <summary>
    /// Keeps this registration's tokens, per-operation rate limits and 429 pauses in Redis at
    /// <paramref name="connectionString"/> (a StackExchange.Redis configuration string), so a fleet of
    /// workers makes one token request per token lifetime and stays within the account's limits together.
    /// </summary>
    /// <param name="builder">What <c>AddPan123Client</c> returned.</param>
    /// <param name="connectionString">For example <c>localhost:6379</c> or <c>redis1:6379,password=...</c>.</param>
    /// <param name="configure">Key prefix, fallback and lock settings.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddPan123Redis(this IHttpClientBuilder builder, string connectionString, Action<Pan123RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = FailFast(connectionString);

        // Connected on the first call, asynchronously and once, however many containers share the registration.
        var redis = new Lazy<Task<IConnectionMultiplexer>>(async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false));
        return builder.AddPan123Redis(_ => () => redis.Value, configure);
    }

    /// <summary>
    /// As <see cref="AddPan123Redis(IHttpClientBuilder, string, Action{Pan123RedisOptions}?)"/>, with the
    /// <see cref="IConnectionMultiplexer"/> the application registered in DI.
    /// </summary>
    /// <param name="builder">What <c>AddPan123Client</c> returned.</param>
    /// <param name="configure">Key prefix, fallback and lock settings.</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddPan123Redis(this IHttpClientBuilder builder, Action<Pan123RedisOptions>? configure = null) =>
        builder.AddPan123Redis(sp => () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()), configure);

    /// <summary>
    /// A StackExchange.Redis connection that fails fast rather than hangs, for an application that
    /// registers its own <see cref="IConnectionMultiplexer"/>: one connect attempt with timeouts of at most
    /// 2 s, then it goes on connecting in the background (a fleet must start while Redis restarts), and a
    /// command sent while it is down fails at once instead of waiting in a backlog. The connection-string
    /// overload of <c>AddPan123Redis</c> makes the same connection, asynchronously, on the first call.
    /// </summary>
    /// <param name="connectionString">The configuration string.</param>
    /// <returns>The connection.</returns>
    public static IConnectionMultiplexer Connect(string connectionString) => ConnectionMultiplexer.Connect(FailFast(connectionString));

    private static ConfigurationOptions FailFast(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;

        // One attempt, not three: a wrong password or a closed port must not hold the first call for 3 x 2 s;
        // the connection keeps reconnecting in the background anyway.
        options.ConnectRetry = 1;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    private static IHttpClientBuilder AddPan123Redis(this IHttpClientBuilder builder, Func<IServiceProvider, Func<Task<IConnectionMultiplexer>>> redis, Action<Pan123RedisOptions>? configure)
    {
        // AddPan123Client names the file calls' client "Pan123" (the default registration) or "Pan123.<name>".
        var registration = builder.Name == Pan123ServiceCollectionExtensions.HttpClientName ? string.Empty
            : builder.Name.StartsWith(Pan123ServiceCollectionExtensions.HttpClientName + ".", StringComparison.Ordinal) ? builder.Name[(Pan123ServiceCollectionExtensions.HttpClientName.Length + 1)..]
            : throw new ArgumentException($"'{builder.Name}' is not a client that AddPan123Client registered.", nameof(builder));
        var services = builder.Services;
        services.AddOptions<Pan123RedisOptions>(registration).Configure(o => configure?.Invoke(o));

        services.AddKeyedSingleton(registration, (sp, _) =>
        {
            var client = sp.GetRequiredService<IOptionsMonitor<Pan123ClientOptions>>().Get(registration);
            var options = sp.GetRequiredService<IOptionsMonitor<Pan123RedisOptions>>().Get(registration);
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Pan123") ?? NullLogger.Instance;
            var fleet = new FleetRedis(
                redis(sp),
                options,
                time,
                logger,
                new Pan123RateLimiters(new Dictionary<string, int>(client.RequestsPerSecond), time),
                client.TokenCachePath is { } path ? new FileTokenStore(path) { Logger = logger } : new MemoryTokenStore());
            return new RedisFleet(fleet, new RedisKeys(options.KeyPrefix, client), client, time);
        });
        services.AddKeyedSingleton<IPan123RateLimiter>(registration, (sp, _) => sp.GetRequiredKeyedService<RedisFleet>(registration).Limiter);
        services.AddKeyedSingleton<IPan123TokenStore>(registration, (sp, _) => sp.GetRequiredKeyedService<RedisFleet>(registration).Tokens);
        return builder;
    }

    /// <summary>One registration's Redis-backed limiter and token store, sharing one connection and key space.</summary>
    private sealed class RedisFleet(FleetRedis redis, RedisKeys keys, Pan123ClientOptions client, TimeProvider time)
    {
        public IPan123RateLimiter Limiter { get; } = new RedisRateLimiter(redis, keys, new Dictionary<string, int>(client.RequestsPerSecond), time);

        public IPan123TokenStore Tokens { get; } = new RedisTokenStore(redis, keys, time);
    }
}
