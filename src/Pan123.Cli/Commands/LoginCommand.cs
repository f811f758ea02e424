namespace Pan123.Cli.Commands;

using System.CommandLine;
using System.Net;

/// <summary>
/// <c>pan123 login [--redirect-uri URI] [--manual]</c> and <c>pan123 logout</c>: a user authorizes the
/// OAuth app (PAN123_CLIENT_ID / PAN123_CLIENT_SECRET); the pair goes to the token store (the 0600
/// file, or Redis with PAN123_REDIS), and later commands act for that user.
/// </summary>
internal static class LoginCommand
{
    public static readonly Uri DefaultRedirect = new("http://127.0.0.1:53123/callback");

    public static Command Create(CommonOptions common)
    {
        var redirect = new Option<string?>("--redirect-uri") { Description = $"Where the platform sends the browser back; register it with the app (default {DefaultRedirect})." };
        var manual = new Option<bool>("--manual") { Description = "No browser on this machine: paste the address the browser was sent back to on standard input." };
        var page = new Option<string?>("--authorize-page") { Description = $"The authorize page (default {Pan123OAuth.DefaultAuthorizePage}; some use https://yun.123pan.com/auth)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the browser to come back (default 300).", DefaultValueFactory = _ => 300 };
        var command = new Command("login", "Authorize this OAuth app for a 123pan user: prints the authorize address, waits for the redirect on the loopback redirect URI (or --manual), checks its state, exchanges the code and stores the pair.")
        {
            redirect,
            manual,
            page,
            timeout,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, output, error, ct) =>
        {
            var options = connection.Options;
            if (options.ClientId is null || options.ClientSecret is null || options.AccessToken is not null)
            {
                throw new UsageException("pan123 login needs the OAuth app's PAN123_CLIENT_ID and PAN123_CLIENT_SECRET (and no PAN123_ACCESS_TOKEN).");
            }

            var redirectUri = AbsoluteUri(parse.GetValue(redirect), "--redirect-uri") ?? DefaultRedirect;
            var state = Pan123OAuth.CreateState();
            var address = Pan123OAuth.AuthorizeUri(options.ClientId, redirectUri, state, authorizePage: AbsoluteUri(parse.GetValue(page), "--authorize-page"));
            await output.WriteLineAsync("Open this address in a browser and authorize the app:").ConfigureAwait(false);
            await output.WriteLineAsync(address.AbsoluteUri).ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);

            var callback = parse.GetValue(manual)
                ? await ReadPastedAsync(output, ct).ConfigureAwait(false)
                : await WaitForRedirectAsync(redirectUri, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
            await Pan123OAuth.ExchangeCodeAsync(connection.Auth, connection.TokenStore, new OAuthCodeExchange
            {
                ClientId = options.ClientId!,
                ClientSecret = options.ClientSecret!,
                RedirectUri = redirectUri,
                Callback = callback,
                ExpectedState = state,
                CacheScope = options.BaseAddress.AbsoluteUri,
            }, ct).ConfigureAwait(false);
            await error.WriteLineAsync("pan123: logged in; commands now act for this user until 'pan123 logout'.").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    public static Command CreateLogout(CommonOptions common)
    {
        var command = new Command("logout", "Forget the OAuth pair that 'pan123 login' stored for PAN123_CLIENT_ID.");
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, _, error, ct) =>
        {
            var options = connection.Options;
            if (options.ClientId is null)
            {
                throw new UsageException("pan123 logout needs the OAuth app's PAN123_CLIENT_ID.");
            }

            await Pan123OAuth.ForgetAuthorizationAsync(connection.TokenStore, options.BaseAddress.AbsoluteUri, options.ClientId, ct).ConfigureAwait(false);
            await error.WriteLineAsync("pan123: logged out.").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Uri? AbsoluteUri(string? text, string option) =>
        text is null ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri
        : throw new UsageException($"{option} must be an absolute URL, not '{text}'.");

    private static async Task<Uri> ReadPastedAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync("Then paste the address the browser was sent back to, and press Enter:").ConfigureAwait(false);
        var line = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return Uri.TryCreate(line?.Trim(), UriKind.Absolute, out var pasted) ? pasted : throw new UsageException("that is not the address the browser was sent back to.");
    }

    // One request on the loopback redirect URI, with HttpListener (no Kestrel: the base runtime has it).
    private static async Task<Uri> WaitForRedirectAsync(Uri redirectUri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!redirectUri.IsLoopback || redirectUri.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"the redirect URI '{redirectUri}' is not a plain-http loopback address, where this machine can listen; use --manual.");
        }

        using var listener = new HttpListener();
        listener.Prefixes.Add(redirectUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        listener.Start();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            var context = await listener.GetContextAsync().WaitAsync(wait.Token).ConfigureAwait(false);
            var body = "Done: you can close this window and return to pan123."u8.ToArray();
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            context.Response.Close();
            return context.Request.Url!;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UsageException($"no browser came back to {redirectUri} within {timeout.TotalSeconds:0} s; nothing was exchanged.");
        }
    }
}
