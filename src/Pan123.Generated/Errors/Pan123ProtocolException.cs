namespace Pan123;

/// <summary>
/// The response was not the platform's protocol: an HTTP status other than 200 without an error
/// envelope (a gateway page, say), a body that is empty or not JSON, <c>code</c> 0 without
/// <c>data</c>, or data that does not match the contract.
/// </summary>
public sealed class Pan123ProtocolException : Pan123Exception
{
    // Enough of a gateway page or broken body to recognise it, bounded so logs stay readable.
    internal const int MaxExcerptLength = 256;

    /// <summary>Creates the exception; for the library and for tests that simulate a broken answer.</summary>
    /// <param name="operation">The operation, as <c>METHOD /path</c>, when known.</param>
    /// <param name="status">The HTTP status of the response.</param>
    /// <param name="problem">What is wrong with the answer.</param>
    /// <param name="traceId">The <c>x-traceID</c>, when the answer had one.</param>
    /// <param name="bodyExcerpt">The start of the body (see <see cref="BodyExcerpt"/>).</param>
    /// <param name="innerException">The parser's exception, when there was one.</param>
    public Pan123ProtocolException(string? operation, int status, string problem, string? traceId = null, string? bodyExcerpt = null, Exception? innerException = null)
        : base(Describe(operation, status, problem, traceId, bodyExcerpt), operation, status, traceId, innerException)
    {
        BodyExcerpt = bodyExcerpt;
    }

    /// <summary>The start of the response body (at most 256 characters), when there was one.</summary>
    public string? BodyExcerpt { get; }

    internal static string? Excerpt(string? body) =>
        string.IsNullOrEmpty(body) ? null
        : body.Length <= MaxExcerptLength ? body
        : string.Concat(body.AsSpan(0, MaxExcerptLength), "…");
}
