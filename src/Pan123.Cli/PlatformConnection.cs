namespace Pan123.Cli;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// The services one command runs with: the library registered with AddPan123Client against the
/// platform, or against the sandbox, started as a child process on loopback, for <c>--sandbox</c>.
/// </summary>
internal sealed class PlatformConnection : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IAsyncDisposable? _sandbox;

    private PlatformConnection(ServiceProvider services, IAsyncDisposable? sandbox) => (_services, _sandbox) = (services, sandbox);

    public IPan123FilesClient Files => _services.GetRequiredService<IPan123FilesClient>();

    public Pan123Downloader Downloader => _services.GetRequiredService<Pan123Downloader>();

    public Pan123BatchDownloader Batch => _services.GetRequiredService<Pan123BatchDownloader>();

    public IPan123AuthClient Auth => _services.GetRequiredService<IPan123AuthClient>();

    public IPan123UserClient User => _services.GetRequiredService<IPan123UserClient>();

    public IPan123DirectLinkClient DirectLinks => _services.GetRequiredService<IPan123DirectLinkClient>();

    public Pan123ClientOptions Options => _services.GetRequiredService<IOptions<Pan123ClientOptions>>().Value;

    /// <summary>Where this registration keeps tokens and OAuth pairs: Redis with PAN123_REDIS, else the token file.</summary>
    public IPan123TokenStore TokenStore =>
        _services.GetKeyedService<IPan123TokenStore>(string.Empty)
        ?? new FileTokenStore(Options.TokenCachePath ?? FileTokenStore.DefaultPath) { Logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("Pan123") };

    /// <summary>
    /// Resolves the settings; throws <see cref="UsageException"/> for what is missing or wrong, before any
    /// request. Credentials, first match wins: PAN123_ACCESS_TOKEN; a stored OAuth pair (pan123 login)
    /// for PAN123_CLIENT_ID; PAN123_CLIENT_ID + PAN123_CLIENT_SECRET as client credentials.
    /// </summary>
    public static async Task<PlatformConnection> OpenAsync(CommonSettings settings, Action<Pan123DownloadOptions>? download, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(settings, download, oauthApp: false, cancellationToken).ConfigureAwait(false);
        var options = connection.Options;
        if (settings.UseSandbox || options.AccessToken is not null || options.ClientId is null)
        {
            return connection;
        }

        // A user logged in with this app (pan123 login): act for them, not as the developer.
        var pair = await Pan123OAuth.ReadAuthorizationAsync(connection.TokenStore, options.BaseAddress.AbsoluteUri, options.ClientId, cancellationToken).ConfigureAwait(false);
        if (pair is null)
        {
            return connection;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return await OpenAsync(settings, download, oauthApp: true, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PlatformConnection> OpenAsync(CommonSettings settings, Action<Pan123DownloadOptions>? download, bool oauthApp, CancellationToken cancellationToken)
    {
        IAsyncDisposable? sandbox = null;
        Action<Pan123ClientOptions> credentials;
        if (settings.UseSandbox)
        {
            // Through the real token flow with the demo account; its tokens die with it, so none is cached.
            var started = await SandboxProcess.StartAsync(cancellationToken).ConfigureAwait(false);
            (sandbox, credentials) = (started, options =>
            {
                options.BaseAddress = started.BaseAddress;
                options.ClientId = started.ClientId;
                options.ClientSecret = started.ClientSecret;
            });
        }
        else
        {
            credentials = FromEnvironment(settings.BaseUrl);
        }

        var services = new ServiceCollection();
        services.AddClosedOptions();
        services.AddLogging(logging => logging.AddProvider(new LibraryWarnings(Console.Error)));
        var client = services.AddPan123Client(options =>
        {
            credentials(options);
            options.OAuthApp = oauthApp;
        });
        if (!settings.UseSandbox && Environment.GetEnvironmentVariable("PAN123_REDIS") is { Length: > 0 } redis)
        {
            // A fleet: tokens, limits and 429 pauses shared with every other worker of the account.
            client.AddPan123Redis(redis, RedisSettingsFromEnvironment());
        }

        if (download is not null)
        {
            services.Configure(download);
        }

        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception e) when (ValidationFailures(e) is { Count: > 0 } failures)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
            }

            throw new UsageException(string.Join(" ", failures));
        }

        return new PlatformConnection(provider, sandbox);
    }

    // One options type failing throws its OptionsValidationException; several throw them together.
    private static List<string> ValidationFailures(Exception e) => e switch
    {
        OptionsValidationException one => [.. one.Failures],
        AggregateException all => [.. all.InnerExceptions.OfType<OptionsValidationException>().SelectMany(o => o.Failures)],
        _ => [],
    };

    // Options first, then environment; an access token wins over client credentials, whose tokens are
    // cached in the user's configuration folder so separate runs share one.
    private static Action<Pan123ClientOptions> FromEnvironment(string? baseUrlOption)
    {
        var url = baseUrlOption ?? Environment.GetEnvironmentVariable("PAN123_BASE_URL");
        var baseAddress = string.IsNullOrWhiteSpace(url) ? Pan123ClientOptions.DefaultBaseAddress
            : Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) ? parsed
            : throw new UsageException($"the base URL '{url}' is not an absolute URL.");
        var token = Environment.GetEnvironmentVariable("PAN123_ACCESS_TOKEN");
        var clientId = Environment.GetEnvironmentVariable("PAN123_CLIENT_ID");
        var clientSecret = Environment.GetEnvironmentVariable("PAN123_CLIENT_SECRET");
        if (string.IsNullOrEmpty(token) && (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret)))
        {
            throw new UsageException("no credentials: set PAN123_ACCESS_TOKEN, or PAN123_CLIENT_ID and PAN123_CLIENT_SECRET (or use --sandbox to try the tool without an account).");
        }

        return options =>
        {
            options.BaseAddress = baseAddress;
            if (!string.IsNullOrEmpty(token))
            {
                options.AccessToken = token;
            }
            else
            {
                options.ClientId = clientId;
                options.ClientSecret = clientSecret;
                options.TokenCachePath = FileTokenStore.DefaultPath;
            }
        };
    }

    // The fleet's knobs an operator sets per deployment; read before any request, so a typo exits 2.
    private static Action<Pan123.Redis.Pan123RedisOptions> RedisSettingsFromEnvironment()
    {
        var tolerance = Seconds("PAN123_REDIS_TOLERANCE");
        var lease = Seconds("PAN123_REDIS_LOCK_LEASE");
        var prefix = Environment.GetEnvironmentVariable("PAN123_REDIS_PREFIX");
        return options =>
        {
            options.OutageTolerance = tolerance ?? options.OutageTolerance;
            options.TokenLockLease = lease ?? options.TokenLockLease;
            options.KeyPrefix = string.IsNullOrEmpty(prefix) ? options.KeyPrefix : prefix;
        };

        static TimeSpan? Seconds(string variable) => Environment.GetEnvironmentVariable(variable) switch
        {
            null or "" => null,
            var text when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400 => TimeSpan.FromSeconds(seconds),
            var text => throw new UsageException($"{variable} must be a number of seconds between 0 and 86400, not '{text}'."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Bad usage or input found before any request: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
