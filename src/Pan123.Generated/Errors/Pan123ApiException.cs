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
            Describe(operation, status, "platform code " + errorCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + (platformMessage ?? "(no message)") + (PlatformAdvice.For(errorCode, platformMessage) is { } advice ? " (" + advice + ")" : string.Empty), traceId, bodyExcerpt: null),
            operation,
            status,
            traceId,
            innerException: null)
    {
        ErrorCode = errorCode;
        PlatformMessage = platformMessage ?? string.Empty;
        NextStep = PlatformAdvice.For(errorCode, platformMessage);
    }

    /// <summary>The envelope's <c>code</c>; compare with the <see cref="Pan123ErrorCodes"/> constants.</summary>
    public int ErrorCode { get; }

    /// <summary>The envelope's <c>message</c> as the platform sent it (an echoed access token replaced by <c>***</c>).</summary>
    public string PlatformMessage { get; }

    /// <summary>
    /// What to do about this code, in one sentence (part of <see cref="Exception.Message"/> too), or
    /// <see langword="null"/> for a code whose remedy the platform does not document.
    /// </summary>
    public string? NextStep { get; }

    /// <summary>Whether retrying the same call after a delay may succeed (codes 429 and 20103).</summary>
    public bool IsTransient => Pan123ErrorCodes.IsTransient(ErrorCode);
}
