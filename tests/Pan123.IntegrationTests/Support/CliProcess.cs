using System.Diagnostics;
using System.Reflection;

namespace Pan123.IntegrationTests.Support;

/// <summary>
/// Runs <c>pan123</c> as a separate process, as a user would, with a controlled environment: the built
/// <c>pan123.dll</c> through <c>dotnet exec</c>, or, when <c>PAN123_TEST_CLI</c> names a native
/// <c>pan123</c> (CI runs every test of the tool a second time that way), that executable.
/// </summary>
internal static class CliProcess
{
    /// <summary>The trait of every test class that runs the tool as a process: CI selects them for the native pass.</summary>
    public const string Trait = "Runs", TraitValue = "pan123";

    public static readonly string CliDll = LocateCli();

    /// <summary>The native executable under test, or <see langword="null"/> for the framework-dependent build.</summary>
    public static readonly string? NativeCli = LocateNativeCli();

    /// <summary>The folder the tool under test runs from (its <c>sandbox/</c> beside it).</summary>
    public static string ToolFolder => Path.GetDirectoryName(NativeCli ?? CliDll)!;

    /// <summary>The command line that starts the tool under test, or its copy in <paramref name="folder"/>.</summary>
    public static string[] Command(string? folder = null) => NativeCli is not null
        ? [Path.Combine(folder ?? ToolFolder, "pan123")]
        : ["dotnet", "exec", Path.Combine(folder ?? ToolFolder, "pan123.dll")];

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunFromAsync(null, workingDirectory, environment, args);

    /// <summary>Runs the tool's copy in <paramref name="folder"/> (the tool under test when null).</summary>
    public static Task<Result> RunFromAsync(string? folder, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var command = Command(folder);
        return RunProgramAsync(command[0], workingDirectory, environment, [.. command[1..], .. args]);
    }

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
        StartProgram("env", workingDirectory, environment, ["--default-signal=INT", .. Command(), .. args]);

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
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("PAN123_", StringComparison.Ordinal) && n != "PAN123_TEST_CLI").ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    private static string? LocateNativeCli()
    {
        var native = Environment.GetEnvironmentVariable("PAN123_TEST_CLI");
        if (string.IsNullOrEmpty(native))
        {
            return null;
        }

        // The installed tool's command is a link into its store; its sandbox folder is beside the target.
        var file = new FileInfo(Path.GetFullPath(native));
        var target = file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName;
        return File.Exists(target) ? target : throw new FileNotFoundException("PAN123_TEST_CLI names no file.", native);
    }

    private static string LocateCli()
    {
        var configuration = typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var dll = Path.Combine(Repository.Root, "src", "Pan123.Cli", "bin", configuration, "net10.0", "pan123.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build src/Pan123.Cli first.", dll);
    }
}
