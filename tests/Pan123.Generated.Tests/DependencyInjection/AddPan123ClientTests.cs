using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pan123.Tests.Support;
using RichardSzalay.MockHttp;

namespace Pan123.Tests.DependencyInjection;

public sealed class AddPan123ClientTests
{
    private static ServiceProvider Build(Action<Pan123ClientOptions> configure, MockHttpMessageHandler? handler = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddPan123Client(configure);
        if (handler is not null)
        {
            builder.ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static void ValidateAtStartup(IServiceProvider services) =>
        services.GetRequiredService<IStartupValidator>().Validate();

    [Fact]
    public void Every_client_the_contract_has_is_registered_default_and_keyed_with_the_token_its_security_says()
    {
        var services = new ServiceCollection();
        services.AddPan123Client(o => o.AccessToken = "t");
        services.AddPan123Client("other", o => o.AccessToken = "u");
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Equal(["Auth", "DirectLink", "Files", "User"], Pan123GeneratedClients.All.Select(c => c.Tag).Order(StringComparer.Ordinal));
        Assert.All(Pan123GeneratedClients.All, client =>
        {
            Assert.IsAssignableFrom(client.Interface, provider.GetRequiredService(client.Interface));
            Assert.IsAssignableFrom(client.Interface, provider.GetRequiredKeyedService(client.Interface, "other"));
        });
        Assert.False(Pan123GeneratedClients.All.Single(c => c.Tag == "Auth").SendsAccessToken);
        Assert.True(Pan123GeneratedClients.All.Single(c => c.Tag == "Files").SendsAccessToken);
    }

    [Fact]
    public async Task Resolved_clients_use_the_configured_base_address_and_token()
    {
        using var handler = new MockHttpMessageHandler();
        handler.Expect(HttpMethod.Get, "http://127.0.0.1:5123/api/v1/file/download_info")
            .WithExactQueryString("fileId=7")
            .WithHeaders("Platform", "open_platform")
            .WithHeaders("Authorization", "Bearer from-options")
            .Respond("application/json", MockPlatform.Envelope(0, "ok", """{"downloadUrl":"http://127.0.0.1:5124/f"}"""));
        using var services = Build(o => { o.BaseAddress = new Uri("http://127.0.0.1:5123/"); o.AccessToken = "from-options"; }, handler);
        ValidateAtStartup(services);

        var response = await services.GetRequiredService<IPan123FilesClient>().GetDownloadInfoAsync(7);

        Assert.Equal("http://127.0.0.1:5124/f", response.Data.DownloadUrl);
        handler.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public void AddPan123Client_returns_the_builder_of_the_named_client()
    {
        var services = new ServiceCollection();

        var builder = services.AddPan123Client(o => o.AccessToken = "t");

        Assert.Equal(Pan123ServiceCollectionExtensions.HttpClientName, builder.Name);
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IPan123FilesClient));
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IPan123AuthClient));
    }

    [Fact]
    public void The_default_base_address_is_the_platform()
    {
        using var services = Build(o => o.AccessToken = "t");
        ValidateAtStartup(services);

        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(Pan123ServiceCollectionExtensions.HttpClientName);

        Assert.Equal(new Uri("https://open-api.123pan.com/"), http.BaseAddress);
    }

    [Theory]
    [InlineData("http://open-api.123pan.com/", "must use https")]
    [InlineData("http://192.168.1.10/", "must use https")]
    [InlineData("ftp://127.0.0.1/", "must use https")]
    public void Non_https_base_addresses_are_refused_except_on_loopback(string address, string expected)
    {
        using var services = Build(o => { o.BaseAddress = new Uri(address); o.AccessToken = "t"; });

        var error = Assert.Throws<OptionsValidationException>(() => ValidateAtStartup(services));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.5.6.7/")]
    [InlineData("http://localhost:5000/")]
    [InlineData("http://[::1]:5000/")]
    [InlineData("https://open-api.123pan.com/")]
    public void Loopback_http_and_any_https_are_accepted(string address)
    {
        using var services = Build(o => { o.BaseAddress = new Uri(address); o.AccessToken = "t"; });

        ValidateAtStartup(services);
    }

    [Fact]
    public void A_relative_base_address_is_refused()
    {
        using var services = Build(o => { o.BaseAddress = new Uri("api/", UriKind.Relative); o.AccessToken = "t"; });

        var error = Assert.Throws<OptionsValidationException>(() => ValidateAtStartup(services));

        Assert.Contains("not an absolute URI", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("  ", "is empty")]
    [InlineData("Bearer secret-token-value", "whitespace")]
    [InlineData("secret-token-value\r\nX-Evil: 1", "whitespace")]
    public void A_missing_or_malformed_token_is_refused_without_quoting_it(string? token, string expected)
    {
        using var services = Build(o => o.AccessToken = token);

        var error = Assert.Throws<OptionsValidationException>(() => ValidateAtStartup(services));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_and_token_provider_strings_hide_the_token()
    {
        var options = new Pan123ClientOptions { AccessToken = "secret-token-value" };

        Assert.DoesNotContain("secret-token-value", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", new StaticTokenProvider("secret-token-value").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_account_does_not_configure_the_shared_CDN_client_again()
    {
        static int CdnActions(Action<IServiceCollection> register)
        {
            var services = new ServiceCollection();
            register(services);
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptionsMonitor<Microsoft.Extensions.Http.HttpClientFactoryOptions>>()
                .Get(Pan123ServiceCollectionExtensions.CdnHttpClientName).HttpMessageHandlerBuilderActions.Count;
        }

        var one = CdnActions(s => s.AddPan123Client(o => o.AccessToken = "t"));
        var two = CdnActions(s =>
        {
            s.AddPan123Client(o => o.AccessToken = "t");
            s.AddPan123Client("second", o => o.AccessToken = "t2");
        });

        Assert.True(one > 0);
        Assert.Equal(one, two);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddPan123Client((Action<Pan123ClientOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddPan123Client((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddPan123Client(_ => { }));
    }
}
