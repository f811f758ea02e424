using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pan123.Sandbox;

namespace Pan123.Cli;

/// <summary>
/// The services one command runs with: the library registered with AddPan123Client against the
/// platform, or against an embedded sandbox started on loopback for <c>--sandbox</c>.
/// </summary>
internal sealed class PlatformConnection : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly SandboxPlatform? _sandbox;

    private PlatformConnection(ServiceProvider services, SandboxPlatform? sandbox) => (_services, _sandbox) = (services, sandbox);

    public IPan123FilesClient Files => _services.GetRequiredService<IPan123FilesClient>();

    public Pan123Downloader Downloader => _services.GetRequiredService<Pan123Downloader>();

    /// <summary>Resolves the settings; throws <see cref="UsageException"/> for what is missing or wrong, before any request.</summary>
    public static async Task<PlatformConnection> OpenAsync(CommonSettings settings, Action<Pan123DownloadOptions>? download, CancellationToken cancellationToken)
    {
        SandboxPlatform? sandbox = null;
        Uri baseAddress;
        string? token;
        if (settings.UseSandbox)
        {
            sandbox = await SandboxPlatform.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            (baseAddress, token) = (sandbox.ApiBaseAddress, SandboxPlatform.DemoAccessToken);
        }
        else
        {
            var url = settings.BaseUrl ?? Environment.GetEnvironmentVariable("PAN123_BASE_URL");
            baseAddress = string.IsNullOrWhiteSpace(url) ? Pan123ClientOptions.DefaultBaseAddress
                : Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) ? parsed
                : throw new UsageException($"the base URL '{url}' is not an absolute URL.");
            token = Environment.GetEnvironmentVariable("PAN123_ACCESS_TOKEN");
            if (string.IsNullOrEmpty(token))
            {
                throw new UsageException("no credentials: set PAN123_ACCESS_TOKEN (or use --sandbox to try the tool without an account).");
            }
        }

        var services = new ServiceCollection();
        services.AddPan123Client(options =>
        {
            options.BaseAddress = baseAddress;
            options.AccessToken = token;
        });
        if (download is not null)
        {
            services.Configure(download);
        }

        var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync().ConfigureAwait(false);
            }

            throw new UsageException(string.Join(" ", e.Failures));
        }

        return new PlatformConnection(provider, sandbox);
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
