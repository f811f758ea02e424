namespace Pan123;

/// <summary>
/// The platform's yes/no fields (<c>x-platform-format: flag</c> in the contract): 1 or 0 on the wire,
/// a <see langword="bool"/> in C#. Any number other than 0 reads as true, and a JSON boolean as itself.
/// </summary>
internal sealed class PlatformFlagConverter : Newtonsoft.Json.JsonConverter<bool>
{
    public override bool ReadJson(Newtonsoft.Json.JsonReader reader, Type objectType, bool existingValue, bool hasExistingValue, Newtonsoft.Json.JsonSerializer serializer) =>
        reader.TokenType switch
        {
            Newtonsoft.Json.JsonToken.Integer => Convert.ToInt64(reader.Value, System.Globalization.CultureInfo.InvariantCulture) != 0,
            Newtonsoft.Json.JsonToken.Boolean => (bool)reader.Value!,
            Newtonsoft.Json.JsonToken.String => (string?)reader.Value is "1" or "true",
            _ => throw new Newtonsoft.Json.JsonSerializationException($"a 0/1 flag was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(Newtonsoft.Json.JsonWriter writer, bool value, Newtonsoft.Json.JsonSerializer serializer) => writer.WriteValue(value ? 1 : 0);
}
