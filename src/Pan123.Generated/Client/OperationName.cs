namespace Pan123;

/// <summary>How errors and logs name an operation: <c>METHOD /path</c>, never the query (it can hold ids, never secrets, but stays short).</summary>
internal static class OperationName
{
    public static string Of(HttpRequestMessage? request) =>
        request?.RequestUri is null ? "123pan request"
        : request.Method.Method + " " + (request.RequestUri.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0]);
}
