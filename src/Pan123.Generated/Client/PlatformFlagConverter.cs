using Newtonsoft.Json;

namespace Pan123;

/// <summary>
/// The platform's yes/no fields (<c>x-platform-format: flag</c> in the contract): 1 or 0 on the wire,
/// a <see langword="bool"/> in C#. Any number other than 0 reads as true, and a JSON boolean as itself.
/// </summary>
internal sealed class PlatformFlagConverter : JsonConverter<bool>
{
    public override bool ReadJson(JsonReader reader, Type objectType, bool existingValue, bool hasExistingValue, JsonSerializer serializer) =>
        reader.TokenType switch
        {
            JsonToken.Integer => Convert.ToInt64(reader.Value, System.Globalization.CultureInfo.InvariantCulture) != 0,
            JsonToken.Boolean => (bool)reader.Value!,
            JsonToken.String => (string?)reader.Value is "1" or "true",
            _ => throw new JsonSerializationException($"a 0/1 flag was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(JsonWriter writer, bool value, JsonSerializer serializer) => writer.WriteValue(value ? 1 : 0);
}
