using Microsoft.Extensions.Logging;

namespace Pan123;

/// <summary>Every log event of the library, in one place: none takes a token, a secret or a signed link.</summary>
internal static partial class Pan123Log
{
    [LoggerMessage(1, LogLevel.Information, "Obtained a 123pan access token for client {ClientId}, valid until {ExpiredAt:O}")]
    public static partial void TokenObtained(ILogger logger, string clientId, DateTimeOffset expiredAt);

    [LoggerMessage(2, LogLevel.Debug, "Reused the cached 123pan access token for client {ClientId}, valid until {ExpiredAt:O}")]
    public static partial void TokenReusedFromCache(ILogger logger, string clientId, DateTimeOffset expiredAt);

    [LoggerMessage(3, LogLevel.Warning, "Could not {Action} the 123pan token cache: {Reason}")]
    public static partial void TokenCacheFailed(ILogger logger, string action, string reason);

    [LoggerMessage(4, LogLevel.Information, "{Operation} answered code 401; the access token was renewed and the call is retried once")]
    public static partial void TokenRejected(ILogger logger, string operation);

    [LoggerMessage(5, LogLevel.Information, "{Operation} attempt {Attempt}: HTTP {Status}, code {Code}, x-traceID {TraceId}, {ElapsedMs} ms")]
    public static partial void Attempt(ILogger logger, string operation, int attempt, int? status, int? code, string? traceId, long elapsedMs);

    [LoggerMessage(6, LogLevel.Warning, "{Operation} attempt {Attempt} failed ({Reason}: HTTP {Status}, code {Code}, x-traceID {TraceId}, {Error}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, string reason, int? status, int? code, string? traceId, string? error, long delayMs);

    [LoggerMessage(8, LogLevel.Warning, "Download of file {FileId}: the CDN request failed ({Reason}: {What}); retrying in {DelayMs} ms, the bytes received are kept")]
    public static partial void CdnRetrying(ILogger logger, long fileId, string reason, string what, long delayMs);

    [LoggerMessage(9, LogLevel.Information, "Download of file {FileId}: the CDN refused the link; asking download_info for a new one")]
    public static partial void LinkRefreshing(ILogger logger, long fileId);

    [LoggerMessage(10, LogLevel.Information, "Download of file {FileId} goes on from the part file: {Held} of {Size} bytes are already on disk")]
    public static partial void Resuming(ILogger logger, long fileId, long held, long size);

    [LoggerMessage(11, LogLevel.Debug, "Download of file {FileId}: the CDN redirected (HTTP {Status}) to {Host}")]
    public static partial void Redirected(ILogger logger, long fileId, int status, string host);

    [LoggerMessage(7, LogLevel.Warning, "The 123pan token cache {Path} {Problem}; it was kept as {Aside}, not overwritten, and a new cache was started")]
    public static partial void TokenCacheSetAside(ILogger logger, string path, string problem, string aside);
}
