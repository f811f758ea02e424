namespace Pan123.Cli;

using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Start-up of the native pan123: the DI container closes its open generic options services
/// (OptionsFactory&lt;T&gt; and the like) with MakeGenericType, which Native AOT answers by building each type
/// at run time; that was half of a one-shot command's CPU. Closed registrations of the same services, with
/// the same lifetimes, are compiled ahead instead (docs/benchmarks.md, section 6). Options types internal to
/// the framework cannot be named here and are still built when asked for.
/// </summary>
internal static class ClosedOptionsRegistration
{
    public static void AddClosedOptions(this IServiceCollection services)
    {
        Monitored<Pan123ClientOptions>(services);
        Monitored<Pan123DownloadOptions>(services);
        Monitored<HttpClientFactoryOptions>(services);
        Monitored<LoggerFilterOptions>(services);
        Monitored<MetricsOptions>(services);
        Unnamed<LoggerFactoryOptions>(services);
        Unnamed<Polly.Telemetry.TelemetryOptions>(services);
    }

    // What AddOptions registers for a type read through IOptionsMonitor<T>.
    private static void Monitored<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
    {
        services.AddSingleton<IOptionsMonitor<T>, OptionsMonitor<T>>();
        services.AddSingleton<IOptionsMonitorCache<T>, OptionsCache<T>>();
        services.AddTransient<IOptionsFactory<T>, OptionsFactory<T>>();
    }

    // What AddOptions registers for a type read through IOptions<T> (OptionsManager is its public equivalent).
    private static void Unnamed<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceCollection services)
        where T : class
    {
        services.AddSingleton<IOptions<T>, OptionsManager<T>>();
        services.AddTransient<IOptionsFactory<T>, OptionsFactory<T>>();
    }
}
