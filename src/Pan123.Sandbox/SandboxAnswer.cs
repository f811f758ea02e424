namespace Pan123.Sandbox;

/// <summary>An answer the sandbox's API gave, kept so tests can check it against the contract.</summary>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="ContentType">The Content-Type of the answer.</param>
/// <param name="Body">The body as text.</param>
/// <param name="InjectedFault">Whether a fault switch made this answer on purpose (an HTML page, a malformed body): such answers are not the platform's protocol.</param>
public sealed record SandboxAnswer(string Method, string Path, int Status, string? ContentType, string Body, bool InjectedFault);
