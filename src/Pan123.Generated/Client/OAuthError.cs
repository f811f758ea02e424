namespace Pan123;

/// <summary>An OAuth-style refusal, <c>{"error": "...", "error_description": "..."}</c>, as the OAuth token endpoint may answer.</summary>
internal readonly record struct OAuthError(string Error, string? Description)
{
    public static OAuthError? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var json = new System.Text.Json.Utf8JsonReader(body);
            string? error = null, description = null;
            if (!json.Read() || json.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return null;
            }

            while (json.Read() && json.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isError = json.ValueTextEquals("error"u8);
                var isDescription = json.ValueTextEquals("error_description"u8);
                json.Read();
                if (json.TokenType == System.Text.Json.JsonTokenType.String && (isError || isDescription))
                {
                    (error, description) = isError ? (json.GetString(), description) : (error, json.GetString());
                }
                else
                {
                    json.Skip();
                }
            }

            return error is { Length: > 0 } ? new OAuthError(error, description) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
