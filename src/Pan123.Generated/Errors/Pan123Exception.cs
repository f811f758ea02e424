using System.Globalization;
using System.Text;

namespace Pan123;

/// <summary>
/// Base of every failure the 123pan client reports for a call: the platform answered with an
/// error code (<see cref="Pan123ApiException"/>) or with something that is not its protocol
/// (<see cref="Pan123ProtocolException"/>). Messages never contain the access token.
/// </summary>
public abstract class Pan123Exception : Exception
{
    private protected Pan123Exception(string message, string? operation, int status, string? traceId, Exception? innerException)
        : base(message, innerException)
    {
        Operation = operation;
        Status = status;
        TraceId = traceId;
    }

    /// <summary>The operation that failed, as <c>METHOD /path</c>, when known.</summary>
    public string? Operation { get; }

    /// <summary>The HTTP status code of the response.</summary>
    public int Status { get; }

    /// <summary>The platform's <c>x-traceID</c> of the failed request, when the response had one. Quote it to the platform's support.</summary>
    public string? TraceId { get; }

    // One message shape for every failure, so logs read alike: what failed, how, and what to quote.
    private protected static string Describe(string? operation, int status, string problem, string? traceId, string? bodyExcerpt)
    {
        var message = new StringBuilder();
        message.Append(operation ?? "123pan request").Append(" failed: ").Append(problem);
        message.Append(" (HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        message.Append(", x-traceID: ").Append(string.IsNullOrEmpty(traceId) ? "none" : traceId).Append(')');
        if (!string.IsNullOrEmpty(bodyExcerpt))
        {
            message.Append(". Body: ").Append(bodyExcerpt);
        }

        return message.ToString();
    }
}
