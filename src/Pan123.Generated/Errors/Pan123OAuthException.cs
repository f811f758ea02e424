namespace Pan123;

/// <summary>
/// The OAuth token endpoint refused, OAuth-style (<c>{error, error_description}</c>). An
/// <see cref="Error"/> of <c>invalid_grant</c> means the code or the refresh token is no longer
/// valid: the user must authorize the app again.
/// </summary>
public sealed class Pan123OAuthException : Pan123Exception
{
    /// <summary>Creates the exception; for the library and for tests that simulate an OAuth refusal.</summary>
    /// <param name="operation">The operation, as <c>METHOD /path</c>.</param>
    /// <param name="status">The HTTP status of the refusal.</param>
    /// <param name="error">The OAuth error code, e.g. <c>invalid_grant</c>.</param>
    /// <param name="description">The platform's description, when it gave one.</param>
    public Pan123OAuthException(string operation, int status, string error, string? description)
        : base(Describe(operation, status, $"OAuth error {error}: {description ?? "(no description)"}", traceId: null, bodyExcerpt: null), operation, status, traceId: null, innerException: null)
    {
        Error = error;
        Description = description;
    }

    /// <summary>The OAuth error code, e.g. <c>invalid_grant</c>, <c>invalid_client</c>.</summary>
    public string Error { get; }

    /// <summary>The platform's description, when it gave one (a secret it echoed replaced by <c>***</c>).</summary>
    public string? Description { get; }

    /// <summary>Whether the code or refresh token was refused as no longer valid: the user must authorize again.</summary>
    public bool RequiresAuthorization => Error is "invalid_grant" or "invalid_token";
}
