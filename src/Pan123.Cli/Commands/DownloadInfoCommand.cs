namespace Pan123.Cli.Commands;

using System.CommandLine;
using Newtonsoft.Json.Linq;

/// <summary>
/// <c>pan123 download-info &lt;fileId&gt; [--json] [--direct]</c>: prints the file's download link (or its direct link);
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
        var direct = new Option<bool>("--direct")
        {
            Description = "Print the file's permanent direct link instead (GET /api/v1/direct-link/url): no download quota spent, and meant to be shared (a download_info link is bound to the caller's location). Needs VIP and a direct-link space.",
        };
        var command = new Command("download-info", "Print a file's download URL (GET /api/v1/file/download_info) on one line of stdout. Each link spends download quota.")
        {
            fileId,
            json,
            fromFile,
            direct,
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
            // One way to a link and its data object for every mode: download_info, or direct-link/url with --direct.
            Func<long, CancellationToken, Task<(string Url, JObject Data)>> linkOf = parse.GetValue(direct)
                ? async (id, token) =>
                {
                    var link = (await connection.DirectLinks.GetDirectLinkUrlAsync(id, cancellationToken: token).ConfigureAwait(false)).Data;
                    return (link.Url, AsJson("url", link.Url, link.AdditionalProperties));
                }
                : async (id, token) =>
                {
                    var info = (await connection.Files.GetDownloadInfoAsync(id, cancellationToken: token).ConfigureAwait(false)).Data;
                    return (info.DownloadUrl, AsJson("downloadUrl", info.DownloadUrl, info.AdditionalProperties));
                };
            if (parse.GetValue(fromFile) is not { } list)
            {
                var (url, data) = await linkOf(parse.GetValue(fileId), ct).ConfigureAwait(false);
                await output.WriteLineAsync(parse.GetValue(json) ? data.ToString(Newtonsoft.Json.Formatting.None) : url).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            // Every line is checked before the first request; the rate limiter paces the calls.
            var ids = await IdList.ReadAsync(list, ct).ConfigureAwait(false);
            var links = new (string? Url, Exception? Error)[ids.Count];
            await Parallel.ForAsync(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
            {
                try
                {
                    links[i] = ((await linkOf(ids[i], token).ConfigureAwait(false)).Url, null);
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
    private static JObject AsJson(string urlField, string url, IDictionary<string, object>? additional)
    {
        var data = new JObject { [urlField] = url };
        foreach (var (name, value) in additional ?? new Dictionary<string, object>())
        {
            data[name] = value is JToken token ? token : JValue.CreateString(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        return data;
    }
}
