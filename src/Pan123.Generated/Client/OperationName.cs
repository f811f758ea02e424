namespace Pan123;

/// <summary>
/// How a request names its operation. <see cref="IdOf"/> is the contract's operation id
/// (<c>GetDownloadInfo</c>), which every generated operation puts on its request: rate limits are
/// keyed by it, so they hold whatever path prefix the base address has. <see cref="Of"/> is
/// <c>METHOD /path</c> for errors and logs, never with the query.
/// </summary>
internal static class OperationName
{
    public static readonly HttpRequestOptionsKey<string> IdKey = new("Pan123.OperationId");

    public static string? IdOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(IdKey, out var id) ? id : null;

    public static string Of(HttpRequestMessage? request) =>
        request?.RequestUri is null ? "123pan request"
        : request.Method.Method + " " + (request.RequestUri.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0]);
}
