using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pan123.Sandbox;

namespace Pan123.Benchmarks;

/// <summary>
/// Keeps a sandbox running for the download comparison script: adds file 900001 of the given size,
/// prints <c>API=…</c>, <c>TOKEN=…</c> and <c>MD5=…</c> lines, then serves until stdin closes or it is killed.
/// With <c>--external-cdn ROOT</c> it also writes the file's bytes under ROOT at the links' path and
/// points download_info's links at a free loopback port (printed as <c>CDN_PORT=…</c>) where the
/// script starts another web server on ROOT.
/// </summary>
internal static class SandboxHost
{
    public const long FileId = 900001;

    public static async Task<int> RunAsync(string[] args)
    {
        var size = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1L << 30;
        var externalRoot = args.Length > 2 && args[1] == "--external-cdn" ? args[2] : null;
        await using var sandbox = await SandboxPlatform.StartAsync();
        var file = sandbox.AddFile(FileId, "bench.bin", size);
        Console.WriteLine($"API={sandbox.ApiBaseAddress}");
        Console.WriteLine($"TOKEN={SandboxPlatform.DemoAccessToken}");
        Console.WriteLine($"FILE={FileId}");
        Console.WriteLine($"MD5={file.Md5}");
        if (externalRoot is not null)
        {
            await WriteContentAsync(file, Path.Combine(externalRoot, Uri.UnescapeDataString(file.CdnPath)));
            var port = FreeLoopbackPort();
            sandbox.LinkBaseAddress = new Uri($"http://127.0.0.1:{port}/");
            Console.WriteLine($"CDN_PORT={port}");
        }

        Console.WriteLine("READY");
        await Console.Out.FlushAsync();
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private static async Task WriteContentAsync(SandboxFile file, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var output = File.Create(path);
        const int Chunk = 1 << 20;
        for (long offset = 0; offset < file.Size; offset += Chunk)
        {
            await output.WriteAsync(file.ReadContent(offset, (int)Math.Min(Chunk, file.Size - offset)));
        }
    }

    // The port is free when this returns; the script's server takes it a moment later.
    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
