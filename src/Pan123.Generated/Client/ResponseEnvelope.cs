namespace Pan123;

/// <summary>
/// Reads a response's envelope once, however many layers ask (the 401 refresh, the retry
/// predicate, the attempt log): the result is kept on the request next to the response it belongs to.
/// </summary>
internal static class ResponseEnvelope
{
    private static readonly HttpRequestOptionsKey<(HttpResponseMessage Response, EnvelopeStatus Status)> CacheKey = new("Pan123.ResponseEnvelope");

    public static async ValueTask<EnvelopeStatus> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var options = response.RequestMessage?.Options;
        if (options is not null && options.TryGetValue(CacheKey, out var cached) && ReferenceEquals(cached.Response, response))
        {
            return cached.Status;
        }

        // Buffered, the (small) JSON body can be read here and again by the client; the content hands
        // out one stream for its buffer, so it is rewound for the next reader.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        EnvelopeStatus status;
        using (var body = await ResponseBody.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false))
        {
            status = EnvelopeStatus.Read(body.Span);
        }

        (await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)).Position = 0;
        options?.Set(CacheKey, (response, status));
        return status;
    }
}
