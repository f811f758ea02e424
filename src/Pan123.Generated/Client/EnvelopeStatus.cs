using Newtonsoft.Json;

namespace Pan123;

/// <summary>
/// What the envelope of a response says about success, read without building the model, so that
/// every generated operation can be checked in one place before NSwag deserializes the body.
/// </summary>
internal readonly record struct EnvelopeStatus(int? Code, string? Message, string? TraceId, bool HasData, string? Problem)
{
    public bool IsEnvelope => Problem is null;

    public static EnvelopeStatus Read(Stream body)
    {
        using var text = new StreamReader(body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1024, leaveOpen: true);
        using var json = new JsonTextReader(text) { CloseInput = false, DateParseHandling = DateParseHandling.None };
        try
        {
            if (!json.Read())
            {
                return Invalid("the body is empty");
            }

            if (json.TokenType != JsonToken.StartObject)
            {
                return Invalid("the body is not a JSON object");
            }

            int? code = null;
            string? message = null, traceId = null;
            var hasData = false;
            while (json.Read() && json.TokenType == JsonToken.PropertyName)
            {
                var name = (string)json.Value!;
                switch (name)
                {
                    case "code":
                        code = json.ReadAsInt32();
                        break;
                    case "message":
                        message = json.ReadAsString();
                        break;
                    case "x-traceID":
                        traceId = json.ReadAsString();
                        break;
                    case "data":
                        json.Read();
                        hasData = json.TokenType is not (JsonToken.Null or JsonToken.Undefined);
                        json.Skip();
                        break;
                    default:
                        json.Read();
                        json.Skip();
                        break;
                }
            }

            // A body cut short (a dropped connection, a truncating proxy) ends before the closing brace.
            if (json.TokenType != JsonToken.EndObject || json.Depth != 0)
            {
                return Invalid("the body is not valid JSON (it ends early)");
            }

            return code is null
                ? Invalid("the JSON body has no envelope code")
                : new EnvelopeStatus(code, message, traceId, hasData, Problem: null);
        }
        catch (JsonException)
        {
            return Invalid("the body is not valid JSON");
        }
    }

    private static EnvelopeStatus Invalid(string problem) => new(null, null, null, false, problem);
}
