using System.Globalization;
using Newtonsoft.Json;

namespace Pan123;

/// <summary>
/// A field the platform documents as a string and sends as a number too (<c>x-platform-format: text</c>,
/// e.g. user/info's <c>spaceTempExpr</c>): read as its text either way, written back as a string.
/// </summary>
internal sealed class PlatformTextConverter : JsonConverter<string?>
{
    public override string? ReadJson(JsonReader reader, Type objectType, string? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
        reader.TokenType switch
        {
            JsonToken.Null or JsonToken.Undefined => null,
            JsonToken.String => (string?)reader.Value,
            JsonToken.Integer or JsonToken.Float or JsonToken.Boolean => Convert.ToString(reader.Value, CultureInfo.InvariantCulture),
            JsonToken.Date => reader.Value is DateTimeOffset offset ? offset.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(reader.Value, CultureInfo.InvariantCulture),
            _ => throw new JsonSerializationException($"a string or a number was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(JsonWriter writer, string? value, JsonSerializer serializer) => writer.WriteValue(value);
}
