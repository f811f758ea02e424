using Pan123;

namespace Microsoft.Extensions.DependencyInjection;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;

/// <summary>Registers the 123pan clients with an <see cref="IServiceCollection"/>.</summary>
public static class Pan123ServiceCollectionExtensions
{
    /// <summary>The name of the default registration's <see cref="HttpClient"/> for the file calls; a named registration uses <c>Pan123.&lt;name&gt;</c>.</summary>
    public const string HttpClientName = "Pan123";

    /// <summary>
    /// The name of the <see cref="HttpClient"/> the downloader uses for the CDN: none of the platform's
    /// handlers, automatic redirects off (the downloader follows them itself), no timeout (downloads are long;
    /// a stalled response is detected by <see cref="Pan123DownloadOptions.StallTimeout"/>).
    /// </summary>
    public const string CdnHttpClientName = "Pan123.Cdn";

    /// <summary>
    /// Registers the default 123pan client: <see cref="IPan123FilesClient"/>, <see cref="IPan123AuthClient"/>,
    /// <see cref="IPan123TokenProvider"/>, <see cref="Pan123Downloader"/> and <see cref="Pan123BatchDownloader"/>, with options validated at start-up,
    /// retries, per-operation rate limits and a token refresh on code 401.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address and the credentials.</param>
    /// <returns>The builder of the file calls' <see cref="HttpClient"/>, to add handlers to.</returns>
    public static IHttpClientBuilder AddPan123Client(this IServiceCollection services, Action<Pan123ClientOptions> configure) =>
        services.AddPan123Client(Microsoft.Extensions.Options.Options.DefaultName, configure);

    /// <summary>
    /// Registers the default 123pan client with its options bound from configuration, for example the
    /// <c>Pan123</c> section of appsettings.json (docs/getting-started.md shows the shape), validated at start-up like
    /// the delegate's. A <c>Download</c> child section binds <see cref="Pan123DownloadOptions"/>. Keep
    /// tokens and secrets out of the file: user secrets or the environment
    /// (<c>Pan123__ClientSecret</c>) fill the same keys.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section with <see cref="Pan123ClientOptions"/>' keys (<c>BaseAddress</c>, <c>ClientId</c>, ...).</param>
    /// <returns>The builder of the file calls' <see cref="HttpClient"/>, to add handlers to.</returns>
    public static IHttpClientBuilder AddPan123Client(this IServiceCollection services, IConfiguration configuration) =>
        services.AddPan123Client(Microsoft.Extensions.Options.Options.DefaultName, configuration);

    /// <summary>
    /// Registers a named 123pan client with its options bound from configuration; see
    /// <see cref="AddPan123Client(IServiceCollection, IConfiguration)"/> and
    /// <see cref="AddPan123Client(IServiceCollection, string, Action{Pan123ClientOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The registration's name; empty for the default registration.</param>
    /// <param name="configuration">The section with <see cref="Pan123ClientOptions"/>' keys.</param>
    /// <returns>The builder of the file calls' <see cref="HttpClient"/>, to add handlers to.</returns>
    public static IHttpClientBuilder AddPan123Client(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddPan123Client(name, options => configuration.Bind(options));
        services.AddOptions<Pan123DownloadOptions>(name).Bind(configuration.GetSection("Download"));
        return builder;
    }

    /// <summary>
    /// Registers a named 123pan client, for a second account in the same process: its services are
    /// keyed by <paramref name="name"/> (<c>[FromKeyedServices(name)] IPan123FilesClient</c>), and it shares
    /// no token and no rate limiter with any other registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The registration's name; empty for the default registration.</param>
    /// <param name="configure">Sets the base address and the credentials.</param>
    /// <returns>The builder of the file calls' <see cref="HttpClient"/>, to add handlers to.</returns>
    public static IHttpClientBuilder AddPan123Client(this IServiceCollection services, string name, Action<Pan123ClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);

        var isDefault = name.Length == 0;
        var filesName = isDefault ? HttpClientName : HttpClientName + "." + name;

        services.AddOptions<Pan123ClientOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Pan123ClientOptions>, Pan123ClientOptionsValidator>());
        // Download options are the registration's own, as its client options are.
        services.AddOptions<Pan123DownloadOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Pan123DownloadOptions>, Pan123DownloadOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddKeyedSingleton<IPan123RateLimiter>(name, (sp, _) => new Pan123RateLimiters(
            new Dictionary<string, int>(ClientOptions(sp, name).RequestsPerSecond), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(name, (sp, _) => new TokenLimitGuard(sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(name, (sp, _) => CreateTokenProvider(sp, name));

        // One client per tag of the contract, as the generator lists them. A client whose operations carry
        // no token (security: [], the token requests) gets no 401 refresh and is retried only when no token
        // can have been minted; the others get the token provider. The Files client's HttpClient is the
        // registration's own name (the builder returned); every other tag's is that name and ".<tag>".
        IHttpClientBuilder? files = null;
        foreach (var client in Pan123GeneratedClients.All)
        {
            var httpName = client.Tag == "Files" ? filesName : filesName + "." + client.Tag;
            var builder = AddPlatformHttpClient(services, httpName, name, mintsTokens: !client.SendsAccessToken);
            files = client.Tag == "Files" ? builder : files;
            services.AddKeyedTransient(client.Interface, name, (sp, _) => client.Create(
                client.SendsAccessToken ? new Pan123ClientConfiguration(sp.GetRequiredKeyedService<IPan123TokenProvider>(name)) : new Pan123ClientConfiguration(),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(httpName)));
            if (isDefault)
            {
                services.AddTransient(client.Interface, sp => sp.GetRequiredKeyedService(client.Interface, name));
            }
        }

        AddCdnHttpClient(services);
        // One connection budget for the account: every downloader of the registration draws on it.
        services.AddKeyedSingleton(name, (sp, _) => new ConnectionBudget(DownloadOptions(sp, name).ConnectionBudget));
        services.AddKeyedTransient(name, (sp, _) => new Pan123Downloader(
            sp.GetRequiredKeyedService<IPan123FilesClient>(name),
            sp.GetRequiredKeyedService<IPan123DirectLinkClient>(name),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(CdnHttpClientName),
            DownloadOptions(sp, name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredKeyedService<ConnectionBudget>(name),
            Logger(sp)));

        services.AddKeyedTransient(name, (sp, _) => new Pan123BatchDownloader(
            sp.GetRequiredKeyedService<IPan123FilesClient>(name), sp.GetRequiredKeyedService<Pan123Downloader>(name)));

        if (isDefault)
        {
            services.AddTransient(sp => sp.GetRequiredKeyedService<Pan123BatchDownloader>(name));
            services.AddTransient(sp => sp.GetRequiredKeyedService<Pan123Downloader>(name));
            services.AddSingleton(sp => sp.GetRequiredKeyedService<IPan123TokenProvider>(name));
        }

        return files ?? throw new InvalidOperationException("The contract has no Files tag, whose client the registration's name belongs to.");
    }

    // One CDN client for all registrations: it holds no account state, and registering it again for each
    // account would only stack the same configuration actions onto it.
    private static void AddCdnHttpClient(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CdnHttpClientRegistered)))
        {
            return;
        }

        services.AddSingleton<CdnHttpClientRegistered>();
        services.AddHttpClient(CdnHttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            })
            .RemoveAllLoggers(); // the default logger would write signed download links to the log
    }

    // Outside in: telemetry, total timeout, 401 refresh, retry, rate limit (each retry waits again), attempt
    // timeout, attempt log, and innermost the one body reader whose parsed envelope every layer above uses.
    private static IHttpClientBuilder AddPlatformHttpClient(IServiceCollection services, string httpClientName, string registration, bool mintsTokens)
    {
        var builder = services.AddHttpClient(httpClientName, (sp, http) =>
        {
            http.BaseAddress = ClientOptions(sp, registration).BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline's total timeout applies instead
        });
        builder.AddHttpMessageHandler(() => new OperationTelemetryHandler());
        builder.AddResilienceHandler("pan123-total", (pipeline, context) =>
            pipeline.AddTimeout(ClientOptions(context.ServiceProvider, registration).TotalTimeout));
        if (!mintsTokens)
        {
            builder.AddHttpMessageHandler(sp => new AccessTokenRefreshHandler(
                sp.GetRequiredKeyedService<IPan123TokenProvider>(registration), sp.GetRequiredKeyedService<TokenLimitGuard>(registration), Logger(sp)));
        }

        builder.AddResilienceHandler("pan123", (pipeline, context) =>
        {
            var options = ClientOptions(context.ServiceProvider, registration);
            var limiter = context.ServiceProvider.GetRequiredKeyedService<IPan123RateLimiter>(registration);
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            var logger = Logger(context.ServiceProvider);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 0),
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = mintsTokens
                    ? args => Pan123RetryRules.ShouldRetryTokenRequestAsync(args.Outcome, args.Context.CancellationToken)
                    : args => Pan123RetryRules.ShouldRetryAsync(args.Outcome, args.Context.CancellationToken),
                DelayGenerator = args => Pan123RetryRules.ServerDelayAsync(args.Outcome, time),
                OnRetry = async args =>
                {
                    var request = args.Context.GetRequestMessage();
                    var reason = Pan123RetryRules.Reason(args.Outcome);

                    // The operation's span is current here: each attempt's HttpClient span has ended.
                    Pan123Telemetry.Retry(System.Diagnostics.Activity.Current, OperationName.IdOf(request) ?? "unknown", reason, args.AttemptNumber + 1);
                    var envelope = ResponseEnvelope.Of(args.Outcome.Result);
                    Pan123Log.Retrying(logger, OperationName.Of(request), args.AttemptNumber + 1, reason,
                        (int?)args.Outcome.Result?.StatusCode, envelope.Code, envelope.TraceId, args.Outcome.Exception?.Message, (long)args.RetryDelay.TotalMilliseconds);

                    // Refused for going too fast: every caller of this operation (the fleet's, with Redis) waits the delay out.
                    if (reason == "rate_limited" && OperationName.IdOf(request) is { } operation)
                    {
                        await limiter.PauseAsync(operation, args.RetryDelay, args.Context.CancellationToken).ConfigureAwait(false);
                    }
                },
            });
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = async args =>
                {
                    if (OperationName.IdOf(args.Context.GetRequestMessage()) is { } operation)
                    {
                        var started = time.GetTimestamp();
                        await limiter.WaitAsync(operation, args.Context.CancellationToken).ConfigureAwait(false);
                        Pan123Telemetry.Waited(operation, time.GetElapsedTime(started));
                    }

                    return Pan123RateLimiters.Granted.Lease;
                },
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        builder.AddHttpMessageHandler(sp => new AttemptLoggingHandler(Logger(sp), sp.GetRequiredService<TimeProvider>()));
        builder.AddHttpMessageHandler(() => new EnvelopeReadingHandler());

        // IHttpClientFactory's own request logging puts the raw request headers, bearer token included,
        // into the structured log state (only the formatted message is redacted): our attempt log replaces it.
        builder.RemoveAllLoggers();
        return builder;
    }

    private static Pan123ClientOptions ClientOptions(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<Pan123ClientOptions>>().Get(name);

    private static Pan123DownloadOptions DownloadOptions(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<Pan123DownloadOptions>>().Get(name);

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Pan123");

    private static IPan123TokenProvider CreateTokenProvider(IServiceProvider services, string name)
    {
        var options = ClientOptions(services, name);
        if (options.AccessToken is not null)
        {
            return new StaticTokenProvider(options.AccessToken);
        }

        // A fresh auth client (and HttpClient from the factory) per token request: the provider lives as long as
        // the application, and must not pin one HttpClient and its handlers for all that time.
        IPan123AuthClient Auth() => services.GetRequiredKeyedService<IPan123AuthClient>(name);

        // A store registered for this registration (Redis, for a fleet) wins over the token file.
        var store = services.GetKeyedService<IPan123TokenStore>(name) ?? (options.TokenCachePath is { } path ? new FileTokenStore(path) { Logger = Logger(services) } : null);
        if (options.OAuthApp)
        {
            return new OAuthTokenProvider(Auth, options.ClientId!, options.ClientSecret!,
                store ?? throw new InvalidOperationException("Pan123ClientOptions.OAuthApp needs a token store that outlives the process: set TokenCachePath, or add Redis (AddPan123Redis)."))
            {
                RefreshMargin = options.TokenRefreshMargin,
                CacheScope = options.BaseAddress.AbsoluteUri,
                TimeProvider = services.GetRequiredService<TimeProvider>(),
                Logger = Logger(services),
            };
        }

        return new ClientCredentialsTokenProvider(Auth, options.ClientId!, options.ClientSecret!)
        {
            RefreshMargin = options.TokenRefreshMargin,
            Store = store,
            CacheScope = options.BaseAddress.AbsoluteUri,
            TimeProvider = services.GetRequiredService<TimeProvider>(),
            Logger = Logger(services),
        };
    }

    private sealed class CdnHttpClientRegistered;
}
