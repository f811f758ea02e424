namespace Pan123.Cli;

using System.Net.Sockets;

/// <summary>Turns a failure into one readable stderr line and the documented exit code; no stack traces unless --verbose.</summary>
internal static class FailureReport
{
    /// <summary>" (x-traceID: ...)" for a platform failure that has one, for the per-file failure lines of a batch.</summary>
    public static string TraceSuffix(Exception? failure) =>
        failure is Pan123Exception { TraceId: { } traceId } ? $" (x-traceID: {traceId})" : string.Empty;

    public static int Write(Exception failure, bool verbose, TextWriter error, CancellationToken cancellationToken)
    {
        var (code, message) = failure switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested =>
                (ExitCodes.Cancelled, "cancelled. A download's .part file is kept: run the same command again to resume it."),
            Pan123ApiException e =>
                (ExitCodes.PlatformError, $"the platform answered code {e.ErrorCode}: {e.PlatformMessage} (x-traceID: {e.TraceId ?? "none"}, {e.Operation}). {Capitalized(e.NextStep ?? "quote the x-traceID to the platform's support")}."),
            Pan123OAuthException e =>
                (ExitCodes.PlatformError, $"the platform refused: {e.Error}: {e.Description}{(e.RequiresAuthorization ? " Run 'pan123 login' again." : string.Empty)}"),
            Pan123AuthorizationRequiredException =>
                (ExitCodes.PlatformError, failure.Message),
            UsageException or Pan123PathException =>
                (ExitCodes.Usage, failure.Message),
            ArgumentException e =>
                (ExitCodes.Usage, e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)),
            Pan123DownloadException { Failure: DownloadFailure.NotAFile or DownloadFailure.DestinationInUse } =>
                (ExitCodes.Usage, failure.Message),
            Pan123DownloadException { Failure: DownloadFailure.DirectLinkRefused } =>
                (ExitCodes.Usage, failure.Message + " Without --direct, pan123 uses download_info, which spends the download quota."),
            Pan123DownloadException { Failure: DownloadFailure.DestinationExists } =>
                (ExitCodes.Usage, failure.Message + " Run again with --force to replace it."),
            Pan123DownloadException { Failure: DownloadFailure.IntegrityMismatch } =>
                (ExitCodes.TransferFailure, failure.Message + " Run the same command again to fetch it anew; if it fails again, the platform's MD5 and its content disagree: quote the file id to its support."),
            Pan123DownloadException { Failure: DownloadFailure.TransferFailed } or HttpRequestException or SocketException =>
                (ExitCodes.TransferFailure, failure.Message + " Check the network (and --base-url), then run the same command again: a download resumes from its .part file."),
            Pan123ProtocolException e =>
                (ExitCodes.TransferFailure, $"{failure.Message} The answer was not the platform's protocol: try again, and quote the x-traceID ({e.TraceId ?? "none"}) to its support if it persists."),
            Pan123DownloadException or Pan123.Redis.Pan123RedisException or IOException or OperationCanceledException =>
                (ExitCodes.TransferFailure, failure.Message),
            _ => (ExitCodes.TransferFailure, $"unexpected failure: {failure.Message}"),
        };

        error.WriteLine($"pan123: error: {message}");
        if (verbose)
        {
            error.WriteLine(failure.ToString());
        }

        return code;
    }

    private static string Capitalized(string sentence) => sentence.Length == 0 ? sentence : char.ToUpperInvariant(sentence[0]) + sentence[1..];
}
