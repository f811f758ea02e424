namespace Pan123.Cli.Commands;

using System.CommandLine;

/// <summary>
/// <c>pan123 download &lt;fileId|folderId|/path&gt; [-o PATH] [-r] [--parallel N] [--connections N] [--force] [--no-verify] [--direct]</c>
/// and <c>pan123 download --from-file FILE [-o DIR] ...</c>: a file, a folder recursively, or a list of
/// ids; verified, resumable, never clobbering.
/// </summary>
internal static class DownloadCommand
{
    public static Command Create(CommonOptions common)
    {
        var target = Target.Argument("target", "A file id, a folder id (with -r; 0 is the root) or a path on the drive such as /docs/report.pdf.", optional: true);
        var output = new Option<string?>("--output", "-o")
        {
            Description = "A file: where to write it (default: its platform name, made safe, in the current folder). A folder or --from-file: the directory (default: ./<folder name>, or the current folder).",
        };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Download a folder and its subfolders." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Files transferred at once for a folder or --from-file (default 4).",
            DefaultValueFactory = _ => 4,
        };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--parallel must be at least 1.");
            }
        });
        var connections = new Option<int>("--connections")
        {
            Description = "The most connections one file is fetched over, each a range of at least 8 MiB; added while the rate grows, dropped when the CDN answers 429 (default 4; 1 for one stream). All files together use at most 8.",
            DefaultValueFactory = _ => 4,
        };
        connections.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 16)
            {
                result.AddError("--connections must be between 1 and 16.");
            }
        });
        var fromFile = new Option<string?>("--from-file") { Description = "Download the file ids listed in FILE (one per line, '-' for standard input; blank lines and # comments ignored)." };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip the MD5 check (the size is still checked)." };
        var force = new Option<bool>("--force")
        {
            Description = "Replace a destination that exists with other content (atomically, once the new bytes are verified; a link there is replaced, not its target).",
        };
        var direct = new Option<bool>("--direct")
        {
            Description = "Fetch through the files' direct links (direct-link/url) instead of download_info: spends the account's direct-link traffic, not its download quota. Needs VIP and a folder with the direct-link space on; a space with URL authentication (signed links) on is refused.",
        };
        var command = new Command("download", "Download a file, a folder (-r) or a list of ids (--from-file): streamed to <path>.part, resumed after drops, renamed once its size and MD5 match. Prints each final path on stdout.")
        {
            target,
            output,
            recursive,
            parallel,
            connections,
            fromFile,
            noVerify,
            force,
            direct,
        };
        command.Validators.Add(result =>
        {
            // Presence only: a value that failed to parse has reported its own error already.
            var hasTarget = result.GetResult(target) is { Tokens.Count: > 0 };
            var hasList = result.GetResult(fromFile) is not null;
            if (hasTarget == hasList)
            {
                result.AddError("give either a target (file id, folder id or /path) or --from-file, not both and not neither.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            parse,
            common,
            options =>
            {
                options.VerifyChecksum = !parse.GetValue(noVerify);
                options.Overwrite = parse.GetValue(force);
                options.MaxConnections = parse.GetValue(connections);
                options.MaxParallelFiles = parse.GetValue(parallel);
                options.LinkSource = parse.GetValue(direct) ? Pan123LinkSource.DirectLink : Pan123LinkSource.DownloadInfo;
                options.BeforeCommit = CrashTestPause.FromEnvironment();
            },
            async (connection, stdout, stderr, ct) =>
            {
                var destination = parse.GetValue(output);
                if (parse.GetValue(fromFile) is { } list)
                {
                    // Every line is checked before the first request.
                    var ids = await IdList.ReadAsync(list, ct).ConfigureAwait(false);
                    var batch = await connection.Batch.DownloadFilesAsync(ids, string.IsNullOrWhiteSpace(destination) ? "." : destination, cancellationToken: ct).ConfigureAwait(false);
                    return await BatchReport.WriteAsync(batch, stdout, stderr).ConfigureAwait(false);
                }

                var what = parse.GetValue(target)!;
                if (what.Id is { } id and > 0 && what.Path is null && !string.IsNullOrWhiteSpace(destination) && !parse.GetValue(recursive))
                {
                    // A file id with -o: the downloader's own file/detail tells a folder apart (no link is asked for one).
                    return await DownloadFileAsync(connection, id, destination, stdout, stderr, ct).ConfigureAwait(false);
                }

                var entry = await what.ResolveAsync(connection.Files, ct).ConfigureAwait(false);
                if (entry.Type == Pan123FileType.Folder)
                {
                    if (!parse.GetValue(recursive))
                    {
                        throw new UsageException($"'{what}' is a folder ({entry.Filename}); add -r to download it and its subfolders.");
                    }

                    var directory = string.IsNullOrWhiteSpace(destination) ? SafeFileName.From(entry.Filename, entry.FileId) : destination;
                    var result = await connection.Batch.DownloadFolderAsync(entry.FileId, directory, cancellationToken: ct).ConfigureAwait(false);
                    return await BatchReport.WriteAsync(result, stdout, stderr).ConfigureAwait(false);
                }

                return await DownloadFileAsync(connection, entry.FileId, string.IsNullOrWhiteSpace(destination) ? SafeFileName.From(entry.Filename, entry.FileId) : destination, stdout, stderr, ct).ConfigureAwait(false);
            },
            cancellationToken));
        return command;
    }

    private static async Task<int> DownloadFileAsync(PlatformConnection connection, long id, string destination, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var bar = Console.IsErrorRedirected ? null : new ConsoleProgressBar(stderr);
        DownloadResult result;
        try
        {
            result = await connection.Downloader.DownloadFileAsync(id, destination, bar, ct).ConfigureAwait(false);
        }
        catch (Pan123DownloadException e) when (e.Failure == DownloadFailure.NotAFile)
        {
            throw new UsageException($"{id} is a folder; add -r to download it and its subfolders.");
        }
        finally
        {
            // End the bar's line first: on a terminal stdout and stderr share the screen.
            bar?.Finish();
        }

        if (result.AlreadyDownloaded)
        {
            await stderr.WriteLineAsync($"pan123: {result.Path}: already downloaded (same size and MD5); nothing fetched.").ConfigureAwait(false);
        }
        else if (result.StartedOver)
        {
            await stderr.WriteLineAsync("pan123: the partial file found without its note did not match the file; it was downloaded again from the start.").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync(result.Path).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
