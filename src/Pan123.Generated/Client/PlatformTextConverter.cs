namespace Pan123;

/// <summary>
/// A field the platform documents as a string and sends as a number too (<c>x-platform-format: text</c>,
/// e.g. user/info's <c>spaceTempExpr</c>): read as its text either way, written back as a string.
/// </summary>
internal sealed class PlatformTextConverter : Newtonsoft.Json.JsonConverter<string?>
{
    public override string? ReadJson(Newtonsoft.Json.JsonReader reader, Type objectType, string? existingValue, bool hasExistingValue, Newtonsoft.Json.JsonSerializer serializer) =>
        reader.TokenType switch
        {
            Newtonsoft.Json.JsonToken.Null or Newtonsoft.Json.JsonToken.Undefined => null,
            Newtonsoft.Json.JsonToken.String => (string?)reader.Value,
            Newtonsoft.Json.JsonToken.Integer or Newtonsoft.Json.JsonToken.Float or Newtonsoft.Json.JsonToken.Boolean => Convert.ToString(reader.Value, System.Globalization.CultureInfo.InvariantCulture),
            Newtonsoft.Json.JsonToken.Date => reader.Value is DateTimeOffset offset ? offset.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(reader.Value, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new Newtonsoft.Json.JsonSerializationException($"a string or a number was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(Newtonsoft.Json.JsonWriter writer, string? value, Newtonsoft.Json.JsonSerializer serializer) => writer.WriteValue(value);
}
