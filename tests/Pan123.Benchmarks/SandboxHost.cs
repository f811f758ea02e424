using System.Globalization;
using Pan123.Sandbox;

namespace Pan123.Benchmarks;

/// <summary>
/// Keeps a sandbox running for the download comparison script: adds file 900001 of the given size,
/// prints <c>API=…</c>, <c>TOKEN=…</c> and <c>MD5=…</c> lines, then serves until stdin closes or it is killed.
/// </summary>
internal static class SandboxHost
{
    public const long FileId = 900001;

    public static async Task<int> RunAsync(string[] args)
    {
        var size = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1L << 30;
        await using var sandbox = await SandboxPlatform.StartAsync();
        var file = sandbox.AddFile(FileId, "bench.bin", size);
        Console.WriteLine($"API={sandbox.ApiBaseAddress}");
        Console.WriteLine($"TOKEN={SandboxPlatform.DemoAccessToken}");
        Console.WriteLine($"FILE={FileId}");
        Console.WriteLine($"MD5={file.Md5}");
        Console.WriteLine("READY");
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
