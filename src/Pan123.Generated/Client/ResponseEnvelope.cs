namespace Pan123;

/// <summary>
/// Reads a response's envelope once, however many layers ask (the 401 refresh, the retry
/// predicate, the attempt log, the generated client's check): the result is kept on the request
/// next to the response it belongs to.
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

        // Buffer the (small) JSON body so it can be read here and again by the generated code.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var status = body is MemoryStream memory && memory.TryGetBuffer(out var buffer)
            ? EnvelopeStatus.Read(buffer.AsSpan((int)memory.Position))
            : EnvelopeStatus.Read(await ReadAllAsync(body, cancellationToken).ConfigureAwait(false));
        body.Position = 0;
        options?.Set(CacheKey, (response, status));
        return status;
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }
}
