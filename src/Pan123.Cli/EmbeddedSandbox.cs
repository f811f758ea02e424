using System.Runtime.CompilerServices;
using Pan123.Sandbox;

namespace Pan123.Cli;

/// <summary>
/// <c>--sandbox</c>: starts the sandbox platform in-process and points the client at it with its demo
/// account, through the real token flow (its tokens die with it, so none is cached). Kept apart so
/// that a normal run never loads the sandbox or ASP.NET Core.
/// </summary>
internal static class EmbeddedSandbox
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<(IAsyncDisposable Sandbox, Action<Pan123ClientOptions> Credentials)> StartAsync(CancellationToken cancellationToken)
    {
        var sandbox = await SandboxPlatform.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (sandbox, options =>
        {
            options.BaseAddress = sandbox.ApiBaseAddress;
            options.ClientId = SandboxPlatform.DemoClientId;
            options.ClientSecret = SandboxPlatform.DemoClientSecret;
        });
    }
}
