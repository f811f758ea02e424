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

    // The header for the token last sent: a token lives for days, so calls share one header value
    // instead of each building its own. A race only builds one more.
    private System.Net.Http.Headers.AuthenticationHeaderValue? _authorization;

    private protected Pan123ClientBase(Pan123ClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary>Whether this client's requests carry <c>Authorization: Bearer</c>. Only the token request does not.</summary>
    private protected virtual bool SendsAccessToken => true;

    // Called by the generated operations (templates/Client.Class.liquid) once the request is built,
    // with the contract's operation id, which names the operation to rate limits and logs.
    private protected async Task PrepareRequestAsync(HttpRequestMessage request, string operationId, CancellationToken cancellationToken)
    {
        request.Options.Set(OperationName.IdKey, operationId);
        // Headers go on the request, never on the shared HttpClient: other users of the same client must not inherit them.
        request.Headers.TryAddWithoutValidation(PlatformHeaderName, PlatformHeaderValue);
        if (SendsAccessToken)
        {
            var tokenProvider = _configuration.TokenProvider
                ?? throw new InvalidOperationException("This 123pan client has no access token provider; construct it with Pan123ClientConfiguration(IPan123TokenProvider) or register it with AddPan123Client.");
            var token = await tokenProvider.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            var authorization = _authorization;
            if (authorization is null || !string.Equals(authorization.Parameter, token, StringComparison.Ordinal))
            {
                _authorization = authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            request.Headers.Authorization = authorization;
        }
    }

    private protected static HttpContent CreateJsonContent(object body) => JsonBody.CreateContent(body);

    /// <summary>
    /// Turns a response into the operation's result: a non-zero <c>code</c> throws
    /// <see cref="Pan123ApiException"/>, an OAuth-style refusal (<c>{error, error_description}</c>)
    /// throws <see cref="Pan123OAuthException"/>, anything outside the protocol throws
    /// <see cref="Pan123ProtocolException"/>; otherwise the body is read into <typeparamref name="T"/>:
    /// the envelope, whose <c>Data</c> is then never null, or, for a response schema that does not
    /// extend <c>Envelope</c> in the contract (the OAuth token answer), the flat object.
    /// </summary>
    private protected static async Task<T> ReadResponseAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var status = (int)response.StatusCode;

        // Through AddPan123Client the body was read once already, by the innermost handler; a client
        // built over a plain HttpClient reads it here, under the same cap.
        ResponseBody? owned = null;
        if (response.Content is not EnvelopeContent)
        {
            try
            {
                owned = await ResponseBody.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw new Pan123ProtocolException(OperationName.Of(response.RequestMessage), status, e.Message, traceId: null, bodyExcerpt: null, e);
            }
        }

        try
        {
            return owned is { } read
                ? Read<T>(response, status, read.Span, parsed: null)
                : Read<T>(response, status, ((EnvelopeContent)response.Content).Span, ((EnvelopeContent)response.Content).Status);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    // parsed: the envelope as the reading handler already parsed it, so the error path does not parse it again.
    private static T Read<T>(HttpResponseMessage response, int status, ReadOnlySpan<byte> body, EnvelopeStatus? parsed)
        where T : class
    {
        Newtonsoft.Json.JsonException? mismatch = null;
        if (status == 200)
        {
            // The common case costs one parse: the typed read. Only when it fails, or finds an error
            // code, is the envelope looked at on its own (an error's data need not fit the model).
            try
            {
                var result = JsonBody.Deserialize<T>(body);
                if (result is Envelope { Code: Pan123ErrorCodes.Ok } || (result is not null and not Envelope))
                {
                    return result;
                }
            }
            catch (Newtonsoft.Json.JsonException e)
            {
                mismatch = e;
            }
        }

        // Nothing the server sends back may carry a secret into an exception: a server that echoes the
        // token or a secret of the query string (in its message, or in a field Newtonsoft then quotes)
        // gets it replaced by ***.
        var secrets = Secrets.Of(response.RequestMessage, body);
        var envelope = parsed ?? EnvelopeStatus.Read(body);
        if (envelope.IsEnvelope && envelope.Code != Pan123ErrorCodes.Ok)
        {
            var message = envelope.Message is null ? null : secrets.Redact(envelope.Message);
            throw new Pan123ApiException(OperationName.Of(response.RequestMessage), status, envelope.Code!.Value, message, envelope.TraceId);
        }

        if (OAuthError.Read(body) is { } refusal)
        {
            throw new Pan123OAuthException(OperationName.Of(response.RequestMessage), status, refusal.Error, refusal.Description is null ? null : secrets.Redact(refusal.Description));
        }

        if (mismatch is not null && secrets.Redact(mismatch.Message) is var redacted && !ReferenceEquals(redacted, mismatch.Message))
        {
            mismatch = new Newtonsoft.Json.JsonSerializationException(redacted);
        }

        var problem =
            status != 200 ? "unexpected HTTP status " + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + response.ReasonPhrase
            : !envelope.IsEnvelope ? envelope.Problem
            : !envelope.HasData ? "code 0 without data"
            : "the data does not match the contract: " + mismatch?.Message;

        // The whole body is redacted before it is cut, so no token straddles the cut; an answer that hands
        // out tokens is not shown at all (the problem names the field that did not fit).
        var excerpt = secrets.InAnswer ? null : Pan123ProtocolException.Excerpt(secrets.Redact(System.Text.Encoding.UTF8.GetString(body)));
        throw new Pan123ProtocolException(OperationName.Of(response.RequestMessage), status, problem!, envelope.TraceId, excerpt, mismatch);
    }

}
