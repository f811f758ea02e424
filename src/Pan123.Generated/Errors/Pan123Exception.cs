namespace Pan123;

/// <summary>
/// Base of every failure the library reports for platform or transfer reasons, so one
/// <c>catch (Pan123Exception)</c> catches them all: an error code (<see cref="Pan123ApiException"/>),
/// an answer that is not the protocol (<see cref="Pan123ProtocolException"/>), an OAuth refusal, a
/// download, a path, an authorization that must be given again, Redis. Messages never contain a
/// token or secret. Every one has a public constructor, so a consumer's tests can throw it.
/// </summary>
public abstract class Pan123Exception : Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate its failures.</summary>
    /// <param name="message">What failed, for people.</param>
    /// <param name="operation">The operation, as <c>METHOD /path</c>, when there was one.</param>
    /// <param name="status">The HTTP status of the response, or 0 when there was none.</param>
    /// <param name="traceId">The platform's <c>x-traceID</c>, when it sent one.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    protected Pan123Exception(string message, string? operation = null, int status = 0, string? traceId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        Status = status;
        TraceId = traceId;
    }

    /// <summary>The operation that failed, as <c>METHOD /path</c>, when known.</summary>
    public string? Operation { get; }

    /// <summary>The HTTP status code of the response (the platform's, or the CDN's for a download), or 0 when there was no response.</summary>
    public int Status { get; }

    /// <summary>The platform's <c>x-traceID</c> of the failed request, when the response had one. Quote it to the platform's support.</summary>
    public string? TraceId { get; }

    // One message shape for every failure, so logs read alike: what failed, how, and what to quote.
    private protected static string Describe(string? operation, int status, string problem, string? traceId, string? bodyExcerpt)
    {
        var message = new System.Text.StringBuilder();
        message.Append(operation ?? "123pan request").Append(" failed: ").Append(problem);
        message.Append(" (HTTP ").Append(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Append(", x-traceID: ").Append(string.IsNullOrEmpty(traceId) ? "none" : traceId).Append(')');
        if (!string.IsNullOrEmpty(bodyExcerpt))
        {
            message.Append(". Body: ").Append(bodyExcerpt);
        }

        return message.ToString();
    }
}
