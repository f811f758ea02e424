using System.Diagnostics;
using System.Reflection;

namespace Pan123.IntegrationTests.Support;

/// <summary>Runs the built <c>pan123</c> as a separate process, as a user would, with a controlled environment.</summary>
internal static class CliProcess
{
    public static readonly string CliDll = LocateCli();

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunProgramAsync("dotnet", workingDirectory, environment, ["exec", CliDll, .. args]);

    public static async Task<Result> RunProgramAsync(string program, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = StartProgram(program, workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    // Through env(1) with SIGINT set back to its default: a test run started as a background job of
    // a script inherits SIGINT ignored (POSIX), and the tool would then rightly never see a Ctrl+C.
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartProgram("env", workingDirectory, environment, ["--default-signal=INT", "dotnet", "exec", CliDll, .. args]);

    private static Process StartProgram(string program, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from the machine's own configuration leaks into a test.
        foreach (var name in new[] { "PAN123_BASE_URL", "PAN123_ACCESS_TOKEN", "PAN123_CLIENT_ID", "PAN123_CLIENT_SECRET", "PAN123_REDIS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    private static string LocateCli()
    {
        var configuration = typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pan123.Generated.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "src", "Pan123.Cli", "bin", configuration, "net10.0", "pan123.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/Pan123.Cli first.", dll);
    }
}
