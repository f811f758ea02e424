using System.Net.Sockets;

namespace Pan123.Cli;

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
                (ExitCodes.Cancelled, "cancelled."),
            Pan123ApiException e =>
                (ExitCodes.PlatformError, $"the platform answered code {e.ErrorCode}: {e.PlatformMessage} (x-traceID: {e.TraceId ?? "none"}, {e.Operation})"),
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
            Pan123DownloadException { Failure: DownloadFailure.DestinationExists } =>
                (ExitCodes.Usage, failure.Message + " Run again with --force to replace it."),
            Pan123ProtocolException or Pan123DownloadException or Pan123.Redis.Pan123RedisException or HttpRequestException or IOException or SocketException or OperationCanceledException =>
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
}
