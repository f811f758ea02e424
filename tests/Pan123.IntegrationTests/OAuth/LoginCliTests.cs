using System.Diagnostics;
using Pan123.IntegrationTests.Support;
using Pan123.Sandbox;

namespace Pan123.IntegrationTests.OAuth;

/// <summary>pan123 login, logout and the OAuth pair used by later commands, as processes against the sandbox.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait(CliProcess.Trait, CliProcess.TraitValue)]
public sealed class LoginCliTests : SandboxTest
{
    private Dictionary<string, string?> Environment => new()
    {
        ["PAN123_BASE_URL"] = Sandbox.ApiBaseAddress.ToString(),
        ["PAN123_CLIENT_ID"] = SandboxPlatform.DemoOAuthClientId,
        ["PAN123_CLIENT_SECRET"] = SandboxPlatform.DemoOAuthClientSecret,
        ["XDG_CONFIG_HOME"] = PathOf("config"),
    };

    private int Calls(string path, string? grant = null) =>
        Sandbox.Requests.Count(r => r.Path == path && (grant is null || r.Query.Contains("grant_type=" + grant, StringComparison.Ordinal)));

    // Runs pan123 login and plays the browser: opens the printed address, follows the consent back to
    // the loopback listener (with the state changed, when asked).
    private async Task<(int ExitCode, string Stdout, string Stderr)> LoginAsync(bool tamperState = false)
    {
        var port = LoopbackPort.Free();
        using var login = CliProcess.Start(Folder, Environment, "login", "--redirect-uri", $"http://127.0.0.1:{port}/callback", "--authorize-page", Sandbox.AuthorizePage.ToString(), "--timeout", "60");
        var stderr = login.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        Uri? address = null;
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (address is null && await login.StandardOutput.ReadLineAsync(patience.Token) is { } line)
            {
                stdout.AppendLine(line);
                address = line.StartsWith("http", StringComparison.Ordinal) ? new Uri(line) : null;
            }
        }

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var consent = await browser.GetAsync(address);
        var back = consent.Headers.Location!.ToString();
        if (tamperState)
        {
            back = System.Text.RegularExpressions.Regex.Replace(back, "state=[^&]*", "state=forged");
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var done = await browser.GetAsync(back);
                break;
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100); // the listener may still be starting
            }
        }

        stdout.Append(await login.StandardOutput.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await login.WaitForExitAsync(timeout.Token);
        return (login.ExitCode, stdout.ToString(), await stderr);
    }

    [Fact]
    public async Task Login_stores_the_pair_and_later_commands_act_for_the_user()
    {
        var login = await LoginAsync();

        Assert.True(login.ExitCode == 0, $"{login.ExitCode}: {login.Stdout} {login.Stderr}");
        Assert.Contains("state=", login.Stdout, StringComparison.Ordinal);
        var info = await CliProcess.RunAsync(Folder, Environment, "download-info", "1001");
        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Equal(1, Calls("/api/v1/oauth2/access_token", "authorization_code"));
        Assert.Equal(0, Calls("/api/v1/access_token"));
        var store = await File.ReadAllTextAsync(PathOf("config/pan123/tokens.json"));
        Assert.DoesNotContain(SandboxPlatform.DemoOAuthClientSecret, store + login.Stdout + login.Stderr + info.Stdout + info.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_state_exits_2_and_nothing_is_exchanged()
    {
        var login = await LoginAsync(tamperState: true);

        Assert.Equal(2, login.ExitCode);
        Assert.Contains("state does not match", login.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Calls("/api/v1/oauth2/access_token"));
    }

    [Fact]
    public async Task Eight_processes_sharing_the_stored_pair_across_its_expiry_make_exactly_one_refresh()
    {
        Sandbox.OAuthAccessTokenLifetime = TimeSpan.FromSeconds(4);
        Assert.Equal(0, (await LoginAsync()).ExitCode);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past half the lifetime

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CliProcess.RunAsync(Folder, Environment, "download-info", "1001")));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.Equal(1, Sandbox.OAuthRefreshes);
    }

    [Fact]
    public async Task A_pair_that_can_no_longer_be_refreshed_exits_1_saying_to_log_in_again()
    {
        Sandbox.OAuthAccessTokenLifetime = TimeSpan.FromSeconds(2);
        Assert.Equal(0, (await LoginAsync()).ExitCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // The platform's own shape of a refused refresh token: an envelope, not an OAuth error.
        Sandbox.Faults.AnswerNextApiCalls(1, 401, "refresh_token无效", path: "/api/v1/oauth2/access_token");

        var first = await CliProcess.RunAsync(Folder, Environment, "download-info", "1001");
        var second = await CliProcess.RunAsync(Folder, Environment, "download-info", "1001");

        foreach (var run in new[] { first, second })
        {
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("pan123 login", run.Stderr, StringComparison.Ordinal);
        }

        Assert.Contains("refresh_token无效", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, Calls("/api/v1/oauth2/access_token", "refresh_token"));
    }

    [Fact]
    public async Task Logout_forgets_the_pair()
    {
        Assert.Equal(0, (await LoginAsync()).ExitCode);

        var logout = await CliProcess.RunAsync(Folder, Environment, "logout");
        var info = await CliProcess.RunAsync(Folder, Environment, "download-info", "1001");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal(1, Calls("/api/v1/access_token")); // back to client credentials, which this app's id is not
        Assert.Equal(1, info.ExitCode);
    }
}
