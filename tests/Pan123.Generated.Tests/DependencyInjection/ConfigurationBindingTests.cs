using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pan123.Tests.DependencyInjection;

/// <summary>AddPan123Client(IConfiguration): the appsettings shape in docs/getting-started.md binds, and is validated at start-up like the delegate's.</summary>
public sealed class ConfigurationBindingTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPan123Client(configuration.GetSection("Pan123"));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_section_binds_the_client_and_download_options()
    {
        using var services = Build(new()
        {
            ["Pan123:BaseAddress"] = "http://127.0.0.1:5123/",
            ["Pan123:ClientId"] = "app-id",
            ["Pan123:ClientSecret"] = "from-the-environment",
            ["Pan123:RequestsPerSecond:GetDownloadInfo"] = "3",
            ["Pan123:TotalTimeout"] = "00:01:30",
            ["Pan123:Download:MaxRetryAttempts"] = "9",
            ["Pan123:Download:Overwrite"] = "true",
        });
        services.GetRequiredService<IStartupValidator>().Validate();

        var client = services.GetRequiredService<IOptions<Pan123ClientOptions>>().Value;
        var download = services.GetRequiredService<IOptions<Pan123DownloadOptions>>().Value;
        Assert.Equal(new Uri("http://127.0.0.1:5123/"), client.BaseAddress);
        Assert.Equal(("app-id", "from-the-environment"), (client.ClientId, client.ClientSecret));
        Assert.Equal(3, client.RequestsPerSecond["GetDownloadInfo"]);
        Assert.Equal(5, client.RequestsPerSecond["GetFileList"]);
        Assert.Equal(TimeSpan.FromSeconds(90), client.TotalTimeout);
        Assert.Equal(9, download.MaxRetryAttempts);
        Assert.True(download.Overwrite);
    }

    [Fact]
    public void A_bad_section_fails_at_start_up_naming_the_setting()
    {
        using var services = Build(new()
        {
            ["Pan123:ClientId"] = "app-id",
            ["Pan123:Download:MaxRetryAttempts"] = "-1",
        });

        // Two option types fail, so the start-up validator reports both at once.
        var failure = Assert.Throws<AggregateException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        var failures = failure.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(failures, f => f.Contains("ClientSecret", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxRetryAttempts", StringComparison.Ordinal));
    }
}
