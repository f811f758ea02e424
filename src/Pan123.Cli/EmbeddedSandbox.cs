using System.Runtime.CompilerServices;
using Pan123.Sandbox;

namespace Pan123.Cli;

/// <summary>
/// The sandbox platform, started in-process for <c>--sandbox</c> and <c>pan123 sandbox</c>. Kept apart
/// so that a normal run never loads the sandbox or ASP.NET Core.
/// </summary>
internal static class EmbeddedSandbox
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<IAsyncDisposable> StartAsync(CancellationToken cancellationToken) =>
        await SandboxPlatform.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>Points the client at the sandbox with its demo account, through the real token flow (its tokens die with it, so none is cached).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Configure(IAsyncDisposable sandbox, Pan123ClientOptions options)
    {
        options.BaseAddress = ((SandboxPlatform)sandbox).ApiBaseAddress;
        options.ClientId = SandboxPlatform.DemoClientId;
        options.ClientSecret = SandboxPlatform.DemoClientSecret;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IEnumerable<string> Describe(IAsyncDisposable sandbox)
    {
        var platform = (SandboxPlatform)sandbox;
        yield return $"PAN123_BASE_URL={platform.ApiBaseAddress}";
        yield return $"PAN123_ACCESS_TOKEN={SandboxPlatform.DemoAccessToken}";
        yield return $"PAN123_CLIENT_ID={SandboxPlatform.DemoClientId}";
        yield return $"PAN123_CLIENT_SECRET={SandboxPlatform.DemoClientSecret}";
        yield return $"# demo file: {SandboxPlatform.DemoFileId}; serving until Ctrl+C or end of input";
    }
}
