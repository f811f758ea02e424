using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Pan123;

/// <summary>
/// Base class of the generated 123pan clients (settings: clientBaseClass). It adds what every
/// operation needs and the generator cannot express: the <c>Platform</c> and bearer headers on
/// each request, and the envelope check that turns a non-zero <c>code</c> or a response outside
/// the protocol into a <see cref="Pan123Exception"/>.
/// </summary>
public abstract class Pan123ClientBase
{
    internal const string PlatformHeaderName = "Platform";
    internal const string PlatformHeaderValue = "open_platform";

    private readonly Pan123ClientConfiguration _configuration;

    private protected Pan123ClientBase(Pan123ClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary>Whether this client's requests carry <c>Authorization: Bearer</c>. Only the token request does not.</summary>
    private protected virtual bool SendsAccessToken => true;

    // NSwag calls this hook before the URL is final; all the work happens in the overload below.
    private protected static Task PrepareRequestAsync(HttpClient client, HttpRequestMessage request, StringBuilder urlBuilder, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private protected async Task PrepareRequestAsync(HttpClient client, HttpRequestMessage request, string url, CancellationToken cancellationToken)
    {
        FileIdArgument.ThrowIfInvalid(url);

        // Headers go on the request, never on the shared HttpClient: other users of the same client must not inherit them.
        request.Headers.Add(PlatformHeaderName, PlatformHeaderValue);
        if (SendsAccessToken)
        {
            var tokenProvider = _configuration.TokenProvider
                ?? throw new InvalidOperationException("This 123pan client has no access token provider; construct it with Pan123ClientConfiguration(IPan123TokenProvider) or register it with AddPan123Client.");
            var token = await tokenProvider.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private protected static async Task ProcessResponseAsync(HttpClient client, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var operation = OperationName.Of(response.RequestMessage);
        var status = (int)response.StatusCode;

        var envelope = await ResponseEnvelope.ReadAsync(response, cancellationToken).ConfigureAwait(false);

        if (envelope.IsEnvelope && envelope.Code != Pan123ErrorCodes.Ok)
        {
            throw new Pan123ApiException(operation, status, envelope.Code!.Value, envelope.Message, envelope.TraceId);
        }

        var problem =
            status != 200 ? "unexpected HTTP status " + status.ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase
            : !envelope.IsEnvelope ? envelope.Problem
            : !envelope.HasData ? "code 0 without data"
            : null;
        if (problem is not null)
        {
            var excerpt = await ReadExcerptAsync(response, cancellationToken).ConfigureAwait(false);
            throw new Pan123ProtocolException(operation, status, problem, envelope.TraceId, excerpt);
        }
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var excerpt = Pan123ProtocolException.Excerpt(text);

        // A server that echoes request headers back must not make the token part of an exception message.
        var token = response.RequestMessage?.Headers.Authorization?.Parameter;
        return excerpt is not null && !string.IsNullOrEmpty(token)
            ? excerpt.Replace(token, "***", StringComparison.Ordinal)
            : excerpt;
    }
}
