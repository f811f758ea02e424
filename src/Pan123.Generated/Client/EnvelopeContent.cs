namespace Pan123;

/// <summary>
/// A platform response's body, read once into a pooled buffer by <see cref="EnvelopeReadingHandler"/>
/// together with its parsed envelope. Disposing the response returns the buffer.
/// </summary>
internal sealed class EnvelopeContent : HttpContent
{
    private ResponseBody _body;
    private int _disposed;

    public EnvelopeContent(ResponseBody body, HttpContent original)
    {
        _body = body;
        Status = EnvelopeStatus.Read(body.Span);
        foreach (var header in original.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    public EnvelopeStatus Status { get; }

    public ReadOnlySpan<byte> Span => _body.Span;

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        stream.WriteAsync(_body.Memory).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Span.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }
}
