namespace Pan123;

/// <summary>
/// The secrets a request carried, so nothing an answer echoes can carry them into an exception: the
/// bearer token, and the values of the query parameters that hold secrets (the OAuth token request
/// sends the client secret, the refresh token and the code in its query string).
/// </summary>
internal readonly struct Secrets
{
    private static readonly string[] SecretParameters = ["client_secret", "refresh_token", "code"];

    private readonly List<string>? _values;

    private Secrets(List<string>? values) => _values = values;

    public static Secrets Of(HttpRequestMessage? request)
    {
        List<string>? values = null;
        if (request?.Headers.Authorization?.Parameter is { Length: > 0 } token)
        {
            (values ??= []).Add(token);
        }

        var query = request?.RequestUri is { IsAbsoluteUri: true } uri ? uri.Query : request?.RequestUri?.OriginalString.Split('?').ElementAtOrDefault(1);
        if (!string.IsNullOrEmpty(query))
        {
            foreach (var pair in query.TrimStart('?').Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && SecretParameters.Contains(pair[..eq], StringComparer.Ordinal) && Uri.UnescapeDataString(pair[(eq + 1)..]) is { Length: > 0 } value)
                {
                    (values ??= []).Add(value);
                }
            }
        }

        return new Secrets(values);
    }

    /// <summary>The text with every secret replaced by <c>***</c>; the same instance when there is none in it.</summary>
    public string Redact(string text)
    {
        if (_values is null)
        {
            return text;
        }

        foreach (var secret in _values)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
