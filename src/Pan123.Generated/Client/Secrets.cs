namespace Pan123;

/// <summary>
/// The secrets of one exchange, so nothing an answer echoes can carry them into an exception: the
/// bearer token; the query parameters that hold secrets (the OAuth token request sends the client
/// secret, the refresh token and the code in its query string); the client secret of a JSON request
/// body (the access_token request); and the tokens the answer itself hands out (a token answer that
/// does not fit the contract must not show the new token in the error).
/// </summary>
internal readonly struct Secrets
{
    private static readonly string[] SecretParameters = ["client_secret", "refresh_token", "code"];

    // JSON properties, in a request body or an answer, whose string values are secrets.
    private static readonly string[] SecretProperties = ["clientSecret", "client_secret", "accessToken", "access_token", "refreshToken", "refresh_token"];

    // Shorter values are not masked wherever they appear: a placeholder such as "x" would mangle every message.
    private const int MinimumSecretLength = 8;

    private readonly List<string>? _values;

    private Secrets(List<string>? values, bool inAnswer) => (_values, InAnswer) = (values, inAnswer);

    /// <summary>Whether the answer itself carried a secret (a token answer): its body is then never shown, only its shape.</summary>
    public bool InAnswer { get; }

    /// <summary>The secrets <paramref name="request"/> carried, and those in <paramref name="answer"/>'s body.</summary>
    public static Secrets Of(HttpRequestMessage? request, ReadOnlySpan<byte> answer = default)
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

        if (request?.Content is { } content)
        {
            try
            {
                // The generated clients send buffered JSON: read again from memory, no I/O.
                using var body = content.ReadAsStream();
                using var buffer = new MemoryStream();
                body.CopyTo(buffer);
                AddSecretProperties(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ref values);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or NotSupportedException or ObjectDisposedException)
            {
                // A body that cannot be read again carried nothing this client put a secret in.
            }
        }

        var sent = values?.Count ?? 0;
        AddSecretProperties(answer, ref values);
        return new Secrets(values, inAnswer: (values?.Count ?? 0) > sent);
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

    private static bool IsSecretProperty(ref System.Text.Json.Utf8JsonReader reader)
    {
        foreach (var name in SecretProperties)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    // The string values of secret-named properties anywhere in a JSON document; nothing for what is not JSON.
    private static void AddSecretProperties(ReadOnlySpan<byte> json, ref List<string>? values)
    {
        if (json.IsEmpty)
        {
            return;
        }

        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(json, new System.Text.Json.JsonReaderOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && IsSecretProperty(ref reader)
                    && reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.String && reader.GetString() is { Length: >= MinimumSecretLength } value)
                {
                    (values ??= []).Add(value);
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON, or cut short: whatever was read before the fault is kept.
        }
    }
}
