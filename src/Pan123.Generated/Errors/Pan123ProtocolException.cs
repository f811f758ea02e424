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

    internal Pan123ProtocolException(string? operation, int status, string problem, string? traceId, string? bodyExcerpt, Exception? innerException = null)
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
