namespace Pan123;

/// <summary>
/// The innermost handler of the platform clients: reads each response body once, under the
/// <see cref="ResponseBody.MaxLength"/> cap (nothing larger is ever held in memory), parses its
/// envelope, and hands both on as <see cref="EnvelopeContent"/>. The response is disposed on every
/// path that does not return it.
/// </summary>
/// <remarks>
/// A body cut short by the connection is an <see cref="HttpRequestException"/>, which the retry
/// rules treat as transient; a body over the cap is a <see cref="Pan123ProtocolException"/>, which
/// they do not.
/// </remarks>
internal sealed class EnvelopeReadingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await ResponseBody.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
            var original = response.Content;
            response.Content = new EnvelopeContent(body, original);
            original.Dispose();
            return response;
        }
        catch (InvalidDataException e)
        {
            response.Dispose();
            throw new Pan123ProtocolException(OperationName.Of(request), (int)response.StatusCode, e.Message, traceId: null, bodyExcerpt: null, e);
        }
        catch (IOException e)
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response body ended early: " + e.Message, e);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
