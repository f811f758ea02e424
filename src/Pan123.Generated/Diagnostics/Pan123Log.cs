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

    [LoggerMessage(6, LogLevel.Warning, "{Operation} attempt {Attempt} failed (HTTP {Status}, code {Code}, x-traceID {TraceId}, {Error}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string operation, int attempt, int? status, int? code, string? traceId, string? error, long delayMs);

    [LoggerMessage(7, LogLevel.Warning, "The 123pan token cache {Path} {Problem}; it was kept as {Aside}, not overwritten, and a new cache was started")]
    public static partial void TokenCacheSetAside(ILogger logger, string path, string problem, string aside);
}
