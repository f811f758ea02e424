namespace Pan123;

using System.Text.Json;

/// <summary>
/// What the envelope of a response says about success, read from the buffered body with
/// System.Text.Json's <see cref="Utf8JsonReader"/>: no model is built and, on success, nothing but
/// the trace id is allocated. The innermost handler (EnvelopeReadingHandler) checks every operation's
/// answer with it, before the generated client builds its model from the same bytes (JsonBody).
/// </summary>
internal readonly record struct EnvelopeStatus(int? Code, string? Message, string? TraceId, bool HasData, string? Problem)
{
    public bool IsEnvelope => Problem is null;

    public static EnvelopeStatus Read(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Invalid("the body is empty");
        }

        var json = new System.Text.Json.Utf8JsonReader(body, new System.Text.Json.JsonReaderOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        try
        {
            if (!json.Read() || json.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return Invalid("the body is not a JSON object");
            }

            int? code = null;
            string? message = null, traceId = null;
            var hasData = false;
            while (json.Read() && json.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                if (json.ValueTextEquals("code"u8))
                {
                    json.Read();
                    code = json.TokenType == System.Text.Json.JsonTokenType.Number && json.TryGetInt32(out var number) ? number
                        : throw new System.Text.Json.JsonException("code is not an integer");
                }
                else if (json.ValueTextEquals("message"u8))
                {
                    json.Read();
                    message = json.TokenType == System.Text.Json.JsonTokenType.String ? json.GetString() : null;
                }
                else if (json.ValueTextEquals("x-traceID"u8))
                {
                    json.Read();
                    traceId = json.TokenType == System.Text.Json.JsonTokenType.String ? json.GetString() : null;
                }
                else
                {
                    var isData = json.ValueTextEquals("data"u8);
                    json.Read();
                    hasData |= isData && json.TokenType != System.Text.Json.JsonTokenType.Null;
                    json.Skip();
                }
            }

            // A body cut short (a dropped connection, a truncating proxy) ends before the closing brace.
            if (json.TokenType != System.Text.Json.JsonTokenType.EndObject || json.CurrentDepth != 0)
            {
                return Invalid("the body is not valid JSON (it ends early)");
            }

            return code is null
                ? Invalid("the JSON body has no envelope code")
                : new EnvelopeStatus(code, message, traceId, hasData, Problem: null);
        }
        catch (System.Text.Json.JsonException)
        {
            return Invalid("the body is not valid JSON");
        }
    }

    private static EnvelopeStatus Invalid(string problem) => new(null, null, null, false, problem);
}
