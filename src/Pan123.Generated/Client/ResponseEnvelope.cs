namespace Pan123;

/// <summary>
/// What a platform response's envelope says, for the layers around the call (the 401 refresh, the
/// retry rules, the attempt log). <see cref="EnvelopeReadingHandler"/>, the innermost handler, reads
/// and parses each body once; every other layer asks here instead of reading the body again.
/// </summary>
internal static class ResponseEnvelope
{
    /// <summary>The parsed envelope, or an empty status for a response that did not pass the reading handler.</summary>
    public static EnvelopeStatus Of(HttpResponseMessage? response) =>
        response?.Content is EnvelopeContent content ? content.Status : default;
}
