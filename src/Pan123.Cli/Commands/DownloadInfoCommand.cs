using System.CommandLine;
using Newtonsoft.Json;

namespace Pan123.Cli.Commands;

/// <summary><c>pan123 download-info &lt;fileId&gt; [--json]</c>: prints the file's download link.</summary>
internal static class DownloadInfoCommand
{
    public static Command Create(CommonOptions common)
    {
        var fileId = CommonOptions.FileIdArgument();
        var json = new Option<bool>("--json") { Description = "Print the data object as JSON instead of the bare URL." };
        var command = new Command("download-info", "Print a file's download URL (GET /api/v1/file/download_info) on one line of stdout.")
        {
            fileId,
            json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, output, _, ct) =>
        {
            var info = (await connection.Files.GetDownloadInfoAsync(parse.GetValue(fileId), ct).ConfigureAwait(false)).Data;
            await output.WriteLineAsync(parse.GetValue(json) ? JsonConvert.SerializeObject(info) : info.DownloadUrl).ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }
}
