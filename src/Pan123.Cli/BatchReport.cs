namespace Pan123.Cli;

/// <summary>
/// How a folder or id-list download is told: stdout gets one line per file written or already
/// present (its path); stderr gets one line per failure or file not tried (file id, path, code or
/// reason, x-traceID) and the summary <c>N downloaded, N already present, N skipped, N failed</c>.
/// </summary>
internal static class BatchReport
{
    public static async Task<int> WriteAsync(BatchResult result, TextWriter output, TextWriter error)
    {
        foreach (var file in result.Files.Where(f => f.Outcome is BatchFileOutcome.Downloaded or BatchFileOutcome.AlreadyPresent))
        {
            await output.WriteLineAsync(file.LocalPath).ConfigureAwait(false);
        }

        foreach (var file in result.Files.Where(f => f.Outcome is BatchFileOutcome.Failed or BatchFileOutcome.NotAttempted))
        {
            var what = file.Outcome == BatchFileOutcome.NotAttempted ? "not downloaded" : "failed";
            var trace = FailureReport.TraceSuffix(file.Error);
            await error.WriteLineAsync($"pan123: {what}: {file.FileId} {file.RemotePath}: {file.Reason}{trace}").ConfigureAwait(false);
        }

        var failed = result.Count(BatchFileOutcome.Failed) + result.Count(BatchFileOutcome.NotAttempted);
        await error.WriteLineAsync($"{result.Count(BatchFileOutcome.Downloaded)} downloaded, {result.Count(BatchFileOutcome.AlreadyPresent)} already present, {result.Count(BatchFileOutcome.Skipped)} skipped, {failed} failed").ConfigureAwait(false);
        return ExitCode(result);
    }

    /// <summary>0 when every file that should be there is; else 1 for any platform error code, 3 for any transfer or integrity failure, 2 when only refusals failed.</summary>
    public static int ExitCode(BatchResult result)
    {
        if (result.Succeeded)
        {
            return ExitCodes.Success;
        }

        var errors = result.Files.Where(f => f.Outcome is BatchFileOutcome.Failed or BatchFileOutcome.NotAttempted).Select(f => f.Error).ToList();
        if (result.Files.Any(f => f.Outcome == BatchFileOutcome.NotAttempted) || errors.Any(e => e is Pan123ApiException))
        {
            return ExitCodes.PlatformError;
        }

        return errors.All(e => e is Pan123DownloadException { Failure: DownloadFailure.DestinationExists or DownloadFailure.DestinationInUse or DownloadFailure.DirectLinkRefused })
            ? ExitCodes.Usage
            : ExitCodes.TransferFailure;
    }
}
