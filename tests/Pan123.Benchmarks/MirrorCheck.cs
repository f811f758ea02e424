using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pan123.Sandbox;

namespace Pan123.Benchmarks;

/// <summary>
/// A mirror of N small files through Pan123BatchDownloader, against the sandbox enforcing
/// download_info at Q per second, run twice: the files of one folder (given by id; `mirror`), or the
/// same files as a list of N ids (`idlist`). Prints the wall time against the floor (N / Q seconds),
/// the 429s the sandbox sent, and the file/list, file/infos, file/detail and download_info calls of
/// each run. The second run must make no download_info call; a folder costs one file/list call per
/// 100 entries, an id list one file/infos call per 100 ids and no file/detail call. Exits non-zero
/// when a count is wrong.
/// </summary>
internal static class MirrorCheck
{
    private const long FolderId = 900_000;

    public static async Task<int> RunAsync(string[] args, bool byIds)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var qps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using var sandbox = await SandboxPlatform.StartAsync();
        sandbox.DownloadInfoRequestsPerSecond = qps;
        sandbox.FileListRequestsPerSecond = 5;
        sandbox.AddFolder(FolderId, "mirror");
        for (var i = 1; i <= count; i++)
        {
            sandbox.AddFile(FolderId + i, $"file-{i:0000}.bin", 4096 + i, parentFileId: FolderId);
        }

        var services = new ServiceCollection();
        services.AddPan123Client(o =>
        {
            o.BaseAddress = sandbox.ApiBaseAddress;
            o.AccessToken = SandboxPlatform.DemoAccessToken;
            o.RequestsPerSecond["GetDownloadInfo"] = qps;
        });
        await using var provider = services.BuildServiceProvider();
        var target = Directory.CreateTempSubdirectory("pan123-mirror-").FullName;
        try
        {
            var ok = true;
            foreach (var run in new[] { "first", "second" })
            {
                sandbox.ClearRequests();
                var clock = Stopwatch.StartNew();
                var batch = provider.GetRequiredService<Pan123BatchDownloader>();
                var result = byIds
                    ? await batch.DownloadFilesAsync(Enumerable.Range(1, count).Select(i => FolderId + i), target)
                    : await batch.DownloadFolderAsync(FolderId, target);
                clock.Stop();

                var lists = sandbox.RequestCount(SandboxServer.Api, "/api/v2/file/list");
                var links = sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/download_info");
                var infos = sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/infos");
                var details = sandbox.RequestCount(SandboxServer.Api, "/api/v1/file/detail");
                var floor = (double)count / qps;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run}: mode={(byIds ? "idlist" : "mirror")} files={count} qps={qps} downloaded={result.Count(BatchFileOutcome.Downloaded)} already_present={result.Count(BatchFileOutcome.AlreadyPresent)} failed={result.Count(BatchFileOutcome.Failed)} file_list_calls={lists} file_infos_calls={infos} file_detail_calls={details} download_info_calls={links} sandbox_429s={sandbox.RateLimitedCalls} wall_seconds={clock.Elapsed.TotalSeconds:F2} floor_seconds={floor:F2} ratio={clock.Elapsed.TotalSeconds / floor:F3}"));

                var expectedLinks = run == "first" ? count : 0;
                var pages = Math.Max(1, (count + 99) / 100);
                ok &= result.Succeeded && links == expectedLinks && sandbox.RateLimitedCalls == 0 && details == 0
                    && (byIds ? infos == pages && lists == 0 : lists == pages && infos == 0);
            }

            return ok ? 0 : 1;
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }
}
