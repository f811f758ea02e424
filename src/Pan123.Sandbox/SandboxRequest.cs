namespace Pan123.Sandbox;

/// <summary>Which of the sandbox's two servers received a request.</summary>
public enum SandboxServer
{
    /// <summary>The open platform API.</summary>
    Api,

    /// <summary>The CDN that serves file bytes.</summary>
    Cdn,
}

/// <summary>A request the sandbox received, as the server saw it.</summary>
/// <param name="Server">The API or the CDN.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">The request headers, by name (case-insensitive).</param>
public sealed record SandboxRequest(
    SandboxServer Server,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers);
