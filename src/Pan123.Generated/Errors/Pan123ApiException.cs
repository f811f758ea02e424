using System.Globalization;

namespace Pan123;

/// <summary>
/// The platform answered with an envelope whose <c>code</c> is not 0. The platform's message is
/// kept intact (usually Chinese) in <see cref="PlatformMessage"/>, only an echoed access token is
/// replaced by <c>***</c>.
/// </summary>
public sealed class Pan123ApiException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate a platform refusal.</summary>
    /// <param name="operation">The operation, as <c>METHOD /path</c>.</param>
    /// <param name="status">The HTTP status (the platform answers errors with 200 too).</param>
    /// <param name="errorCode">The envelope's <c>code</c>, e.g. <see cref="Pan123ErrorCodes.TooManyRequests"/>.</param>
    /// <param name="platformMessage">The envelope's <c>message</c>.</param>
    /// <param name="traceId">The envelope's <c>x-traceID</c>.</param>
    public Pan123ApiException(string operation, int status, int errorCode, string? platformMessage, string? traceId = null)
        : base(
            Describe(operation, status, "platform code " + errorCode.ToString(CultureInfo.InvariantCulture) + ": " + (platformMessage ?? "(no message)") + Hint(errorCode, platformMessage), traceId, bodyExcerpt: null),
            operation,
            status,
            traceId,
            innerException: null)
    {
        ErrorCode = errorCode;
        PlatformMessage = platformMessage ?? string.Empty;
    }

    /// <summary>The envelope's <c>code</c>; compare with the <see cref="Pan123ErrorCodes"/> constants.</summary>
    public int ErrorCode { get; }

    /// <summary>The envelope's <c>message</c> as the platform sent it (an echoed access token replaced by <c>***</c>).</summary>
    public string PlatformMessage { get; }

    // What to do about the one refusal whose cause is outside the call: other processes minting tokens.
    private static string Hint(int errorCode, string? platformMessage) =>
        errorCode == Pan123ErrorCodes.InvalidAccessToken && TokenLimitGuard.IsTokenLimit(platformMessage)
            ? " (the client id has more than 3 live tokens, so the platform pushed this one offline; one fresh token did not help: share one token between processes, e.g. with a token store, instead of minting more)"
            : string.Empty;

    /// <summary>Whether retrying the same call after a delay may succeed (codes 429 and 20103).</summary>
    public bool IsTransient => Pan123ErrorCodes.IsTransient(ErrorCode);
}
