using System.CommandLine;
using Newtonsoft.Json.Linq;

namespace Pan123.Cli.Commands;

/// <summary>
/// <c>pan123 download-info &lt;fileId&gt; [--json]</c>: prints the file's download link;
/// <c>pan123 download-info --from-file FILE</c>: prints <c>&lt;fileId&gt;&lt;TAB&gt;&lt;url&gt;</c> per id, in input order.
/// </summary>
internal static class DownloadInfoCommand
{
    public static Command Create(CommonOptions common)
    {
        var fileId = CommonOptions.FileIdArgument();
        fileId.Arity = ArgumentArity.ZeroOrOne;
        var json = new Option<bool>("--json") { Description = "Print the data object as JSON instead of the bare URL." };
        var fromFile = new Option<string?>("--from-file") { Description = "Print '<fileId><TAB><url>' for each id listed in FILE (one per line, '-' for standard input), in input order." };
        var command = new Command("download-info", "Print a file's download URL (GET /api/v1/file/download_info) on one line of stdout. Each link spends download quota.")
        {
            fileId,
            json,
            fromFile,
        };
        command.Validators.Add(result =>
        {
            // Presence only: a value that failed to parse has reported its own error already.
            if ((result.GetResult(fileId) is { Tokens.Count: > 0 }) == (result.GetResult(fromFile) is not null))
            {
                result.AddError("give either a fileId or --from-file, not both and not neither.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, output, error, ct) =>
        {
            if (parse.GetValue(fromFile) is not { } list)
            {
                var info = (await connection.Files.GetDownloadInfoAsync(parse.GetValue(fileId), cancellationToken: ct).ConfigureAwait(false)).Data;
                await output.WriteLineAsync(parse.GetValue(json) ? AsJson(info) : info.DownloadUrl).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            // Every line is checked before the first request; the rate limiter paces the calls.
            var ids = await IdList.ReadAsync(list, ct).ConfigureAwait(false);
            var links = new (string? Url, Exception? Error)[ids.Count];
            await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
            {
                try
                {
                    links[i] = ((await connection.Files.GetDownloadInfoAsync(ids[i], cancellationToken: token).ConfigureAwait(false)).Data.DownloadUrl, null);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    links[i] = (null, e);
                }
            }).ConfigureAwait(false);

            var code = ExitCodes.Success;
            for (var i = 0; i < ids.Count; i++)
            {
                if (links[i].Url is { } url)
                {
                    await output.WriteLineAsync(FormattableString.Invariant($"{ids[i]}\t{url}")).ConfigureAwait(false);
                }
                else
                {
                    var failure = links[i].Error!;
                    var trace = FailureReport.TraceSuffix(failure);
                    await error.WriteLineAsync(FormattableString.Invariant($"pan123: failed: {ids[i]}: {(failure is Pan123ApiException api ? $"code {api.ErrorCode}: {api.PlatformMessage}" : failure.Message)}{trace}")).ConfigureAwait(false);
                    code = failure is Pan123ApiException || code == ExitCodes.PlatformError ? ExitCodes.PlatformError : ExitCodes.TransferFailure;
                }
            }

            return code;
        }, cancellationToken));
        return command;
    }

    // The data object as the platform sent it, fields the contract does not know included; built
    // without reflection, so a native pan123 prints the same.
    private static string AsJson(DownloadInfo info)
    {
        var data = new JObject { ["downloadUrl"] = info.DownloadUrl };
        foreach (var (name, value) in info.AdditionalProperties ?? new Dictionary<string, object>())
        {
            data[name] = value is JToken token ? token : JValue.CreateString(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        return data.ToString(Newtonsoft.Json.Formatting.None);
    }
}
