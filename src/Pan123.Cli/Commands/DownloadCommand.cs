using System.CommandLine;

namespace Pan123.Cli.Commands;

/// <summary><c>pan123 download &lt;fileId&gt; [-o PATH] [--no-verify] [--force]</c>: downloads a file, verified, resumable, never clobbering.</summary>
internal static class DownloadCommand
{
    public static Command Create(CommonOptions common)
    {
        var fileId = CommonOptions.FileIdArgument();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the file (default: the platform's file name, made safe, in the current folder).",
        };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip the MD5 check (the size is still checked)." };
        var force = new Option<bool>("--force")
        {
            Description = "Replace a destination that exists with other content (atomically, once the new bytes are verified; a link there is replaced, not its target).",
        };
        var command = new Command("download", "Download a file: streamed to <path>.part, resumed after drops, renamed once its size and MD5 match. Prints the final path on stdout.")
        {
            fileId,
            output,
            noVerify,
            force,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            parse,
            common,
            options =>
            {
                options.VerifyChecksum = !parse.GetValue(noVerify);
                options.Overwrite = parse.GetValue(force);
                options.BeforeCommit = CrashTestPause.FromEnvironment();
            },
            async (connection, stdout, stderr, ct) =>
            {
                var id = parse.GetValue(fileId);
                var destination = parse.GetValue(output);
                if (string.IsNullOrWhiteSpace(destination))
                {
                    var detail = (await connection.Files.GetFileDetailAsync(id, ct).ConfigureAwait(false)).Data;
                    destination = SafeFileName.From(detail.Filename, id);
                }

                var bar = Console.IsErrorRedirected ? null : new ConsoleProgressBar(stderr);
                DownloadResult result;
                try
                {
                    result = await connection.Downloader.DownloadFileAsync(id, destination, bar, ct).ConfigureAwait(false);
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
            },
            cancellationToken));
        return command;
    }
}
