using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pan123;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the 123pan clients with an <see cref="IServiceCollection"/>.</summary>
public static class Pan123ServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the 123pan clients use; configure its handlers through the returned builder.</summary>
    public const string HttpClientName = "Pan123";

    /// <summary>
    /// The name of the <see cref="HttpClient"/> the downloader uses for the CDN: none of the platform's
    /// handlers, automatic redirects off (the downloader follows them itself), no timeout (downloads are long;
    /// a stalled response is detected by <see cref="Pan123DownloadOptions.StallTimeout"/>).
    /// </summary>
    public const string CdnHttpClientName = "Pan123.Cdn";

    /// <summary>
    /// Registers <see cref="IPan123FilesClient"/> and <see cref="IPan123AuthClient"/> on one named
    /// <see cref="HttpClient"/>, with options validated at start-up, and <see cref="Pan123Downloader"/>
    /// with its own CDN client (configure it with <c>services.Configure&lt;Pan123DownloadOptions&gt;</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the base address and the access token.</param>
    /// <returns>The builder of the clients' <see cref="HttpClient"/>, to add handlers to.</returns>
    public static IHttpClientBuilder AddPan123Client(this IServiceCollection services, Action<Pan123ClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<Pan123ClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Pan123ClientOptions>, Pan123ClientOptionsValidator>());
        services.TryAddSingleton<IPan123TokenProvider>(sp =>
            new StaticTokenProvider(sp.GetRequiredService<IOptions<Pan123ClientOptions>>().Value.AccessToken!));

        var builder = services.AddHttpClient(HttpClientName, (sp, http) =>
            http.BaseAddress = sp.GetRequiredService<IOptions<Pan123ClientOptions>>().Value.BaseAddress);
        builder.AddTypedClient<IPan123FilesClient>((http, sp) =>
            new Pan123FilesClient(new Pan123ClientConfiguration(sp.GetRequiredService<IPan123TokenProvider>()), http));
        builder.AddTypedClient<IPan123AuthClient>((http, _) =>
            new Pan123AuthClient(new Pan123ClientConfiguration(), http));

        services.AddHttpClient(CdnHttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            });
        services.AddOptions<Pan123DownloadOptions>();
        services.TryAddTransient(sp => new Pan123Downloader(
            sp.GetRequiredService<IPan123FilesClient>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(CdnHttpClientName),
            sp.GetRequiredService<IOptions<Pan123DownloadOptions>>().Value,
            sp.GetService<TimeProvider>()));
        return builder;
    }
}
