namespace Pan123.Cli;

using System.Diagnostics;

/// <summary>
/// The sandbox platform as a child process (<c>sandbox/pan123-sandbox.dll</c> beside pan123.dll),
/// for <c>--sandbox</c> and <c>pan123 sandbox</c>. It runs apart because it needs ASP.NET Core
/// (Kestrel), and pan123 must run every other command with the base .NET runtime alone. It reads the
/// child's <c>KEY=value</c> lines, and ends it by closing its standard input.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SandboxProcess(Process process, IReadOnlyList<string> lines, IReadOnlyDictionary<string, string> settings) =>
        (_process, Lines, _settings) = (process, lines, settings);

    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>What the sandbox printed when it started: its address and demo credentials.</summary>
    public IReadOnlyList<string> Lines { get; }

    public Uri BaseAddress => new(_settings["PAN123_BASE_URL"]);

    public string ClientId => _settings["PAN123_CLIENT_ID"];

    public string ClientSecret => _settings["PAN123_CLIENT_SECRET"];

    public static string ProgramPath => System.IO.Path.Combine(AppContext.BaseDirectory, "sandbox", "pan123-sandbox.dll");

    /// <summary>Starts the sandbox and waits until it listens.</summary>
    /// <exception cref="UsageException">The sandbox is not installed beside pan123, or cannot run here (no ASP.NET Core runtime).</exception>
    public static async Task<SandboxProcess> StartAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(ProgramPath))
        {
            throw new UsageException($"this pan123 has no sandbox ({ProgramPath} is missing). It comes with the Pan123.Cli tool package, or run it from a clone: dotnet run --project src/Pan123.Cli -- ... --sandbox.");
        }

        var start = new ProcessStartInfo(Muxer())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(ProgramPath);
        var process = Process.Start(start) ?? throw new UsageException("the sandbox could not be started.");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            var lines = new List<string>();
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lines.Add(line);
                if (line.Split('=', 2) is [var key, var value])
                {
                    settings[key] = value;
                }

                if (line.StartsWith('#'))
                {
                    return new SandboxProcess(process, lines, settings);
                }
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var why = (await stderr.ConfigureAwait(false)).Trim();
            throw new UsageException(why.Contains("Microsoft.AspNetCore.App", StringComparison.Ordinal)
                ? "the sandbox needs the ASP.NET Core runtime (Microsoft.AspNetCore.App 10), which this machine lacks; every other command works without it. Install it (for example the aspnetcore-runtime-10.0 package) to use the sandbox."
                : $"the sandbox ended at start (exit {process.ExitCode}): {why}");
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Closes the sandbox's standard input, which ends it, and waits a little; kills it if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Stop(_process);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has ended already.
        }
    }

    // The dotnet host that runs this process: <root>/shared/Microsoft.NETCore.App/<version>/ is the
    // runtime folder, and <root>/dotnet is the host (PATH's dotnet may be another install). A native
    // pan123 has no runtime folder: DOTNET_ROOT, then PATH's dotnet.
    private static string Muxer()
    {
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var fromRuntime = string.IsNullOrEmpty(runtime) ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", ".."));
        foreach (var root in new[] { fromRuntime, Environment.GetEnvironmentVariable("DOTNET_ROOT") })
        {
            var host = string.IsNullOrEmpty(root) ? null : System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (host is not null && System.IO.File.Exists(host))
            {
                return host;
            }
        }

        return "dotnet";
    }
}
