namespace Pan123;

/// <summary>Every log event of the library, in one place: none takes a token, a secret or a signed link.</summary>
internal static partial class Pan123Log
{
    [Microsoft.Extensions.Logging.LoggerMessage(1, Microsoft.Extensions.Logging.LogLevel.Information, "Obtained a 123pan access token for client {ClientId}, valid until {ExpiredAt:O}")]
    public static partial void TokenObtained(Microsoft.Extensions.Logging.ILogger logger, string clientId, DateTimeOffset expiredAt);

    [Microsoft.Extensions.Logging.LoggerMessage(2, Microsoft.Extensions.Logging.LogLevel.Debug, "Reused the cached 123pan access token for client {ClientId}, valid until {ExpiredAt:O}")]
    public static partial void TokenReusedFromCache(Microsoft.Extensions.Logging.ILogger logger, string clientId, DateTimeOffset expiredAt);

    [Microsoft.Extensions.Logging.LoggerMessage(3, Microsoft.Extensions.Logging.LogLevel.Warning, "Could not {Action} the 123pan token cache: {Reason}")]
    public static partial void TokenCacheFailed(Microsoft.Extensions.Logging.ILogger logger, string action, string reason);

    [Microsoft.Extensions.Logging.LoggerMessage(4, Microsoft.Extensions.Logging.LogLevel.Information, "{Operation} answered code 401; the access token was renewed and the call is retried once")]
    public static partial void TokenRejected(Microsoft.Extensions.Logging.ILogger logger, string operation);

    [Microsoft.Extensions.Logging.LoggerMessage(5, Microsoft.Extensions.Logging.LogLevel.Information, "{Operation} attempt {Attempt}: HTTP {Status}, code {Code}, x-traceID {TraceId}, {ElapsedMs} ms")]
    public static partial void Attempt(Microsoft.Extensions.Logging.ILogger logger, string operation, int attempt, int? status, int? code, string? traceId, long elapsedMs);

    [Microsoft.Extensions.Logging.LoggerMessage(6, Microsoft.Extensions.Logging.LogLevel.Warning, "{Operation} attempt {Attempt} failed ({Reason}: HTTP {Status}, code {Code}, x-traceID {TraceId}, {Error}); retrying in {DelayMs} ms")]
    public static partial void Retrying(Microsoft.Extensions.Logging.ILogger logger, string operation, int attempt, string reason, int? status, int? code, string? traceId, string? error, long delayMs);

    [Microsoft.Extensions.Logging.LoggerMessage(8, Microsoft.Extensions.Logging.LogLevel.Warning, "Download of file {FileId}: the CDN request failed ({Reason}: {What}); retrying in {DelayMs} ms, the bytes received are kept")]
    public static partial void CdnRetrying(Microsoft.Extensions.Logging.ILogger logger, long fileId, string reason, string what, long delayMs);

    [Microsoft.Extensions.Logging.LoggerMessage(9, Microsoft.Extensions.Logging.LogLevel.Information, "Download of file {FileId}: the CDN refused the link; asking download_info for a new one")]
    public static partial void LinkRefreshing(Microsoft.Extensions.Logging.ILogger logger, long fileId);

    [Microsoft.Extensions.Logging.LoggerMessage(10, Microsoft.Extensions.Logging.LogLevel.Information, "Download of file {FileId} goes on from the part file: {Held} of {Size} bytes are already on disk")]
    public static partial void Resuming(Microsoft.Extensions.Logging.ILogger logger, long fileId, long held, long size);

    [Microsoft.Extensions.Logging.LoggerMessage(11, Microsoft.Extensions.Logging.LogLevel.Debug, "Download of file {FileId}: the CDN redirected (HTTP {Status}) to {Host}")]
    public static partial void Redirected(Microsoft.Extensions.Logging.ILogger logger, long fileId, int status, string host);

    [Microsoft.Extensions.Logging.LoggerMessage(7, Microsoft.Extensions.Logging.LogLevel.Warning, "The 123pan token cache {Path} {Problem}; it was kept as {Aside}, not overwritten, and a new cache was started")]
    public static partial void TokenCacheSetAside(Microsoft.Extensions.Logging.ILogger logger, string path, string problem, string aside);
}
