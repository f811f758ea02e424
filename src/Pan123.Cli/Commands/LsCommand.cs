namespace Pan123.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using Newtonsoft.Json.Linq;

/// <summary><c>pan123 ls &lt;folderId|/path&gt; [--json]</c>: a folder's entries, trashed ones left out.</summary>
internal static class LsCommand
{
    public static Command Create(CommonOptions common)
    {
        var target = Target.Argument("folder", "The folder's id (0 is the root) or its path ('/' is the root).", optional: false);
        var json = new Option<bool>("--json") { Description = "One JSON object per line, with the platform's field names." };
        var command = new Command("ls", "List a folder's entries (GET /api/v2/file/list, page by page); trashed entries are not listed.")
        {
            target,
            json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, output, _, ct) =>
        {
            var folder = await parse.GetValue(target)!.ResolveAsync(connection.Files, ct).ConfigureAwait(false);
            if (folder.Type != Pan123FileType.Folder)
            {
                throw new UsageException($"'{parse.GetValue(target)}' is a file, not a folder.");
            }

            await foreach (var entry in connection.Files.ListFilesAsync(folder.FileId, cancellationToken: ct).ConfigureAwait(false))
            {
                if (entry.Trashed)
                {
                    continue;
                }

                await output.WriteLineAsync(parse.GetValue(json) ? Json(entry) : Row(entry)).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string Json(FileItem entry) => new JObject
    {
        ["fileId"] = entry.FileId,
        ["filename"] = entry.Filename,
        ["type"] = (int)entry.Type, // the platform's numbers, as scripts already read them
        ["size"] = entry.Size,
        ["etag"] = entry.ETag,
        ["parentFileId"] = entry.ParentFileId,
        ["trashed"] = entry.Trashed ? 1 : 0,
        ["status"] = entry.Status,
    }.ToString(Newtonsoft.Json.Formatting.None);

    private static string Row(FileItem entry) => string.Create(CultureInfo.InvariantCulture,
        $"{(entry.Type == Pan123FileType.Folder ? "d" : "-")} {entry.Size,14} {entry.FileId,12}  {entry.Filename}{(entry.Type == Pan123FileType.Folder ? "/" : string.Empty)}");
}
