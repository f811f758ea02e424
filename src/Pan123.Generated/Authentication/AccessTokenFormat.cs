namespace Pan123;

/// <summary>The shape an access token must have to travel in a header; errors never quote the token.</summary>
internal static class AccessTokenFormat
{
    public static string? Problem(string? token) =>
        string.IsNullOrWhiteSpace(token) ? "is empty"
        : token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "contains whitespace or control characters (paste the token alone, without 'Bearer ')"
        : null;

    public static void ThrowIfInvalid(string? token, string paramName)
    {
        if (Problem(token) is { } problem)
        {
            throw new ArgumentException("The access token " + problem + ".", paramName);
        }
    }
}
