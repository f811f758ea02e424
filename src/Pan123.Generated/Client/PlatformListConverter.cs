namespace Pan123;

/// <summary>
/// A list the platform sends as an array, or as a single object where it holds one item
/// (<c>x-platform-format: list</c>, e.g. user/info's <c>vipInfo</c>): read as a list either way.
/// </summary>
/// <typeparam name="T">The item's model.</typeparam>
internal sealed class PlatformListConverter<T> : Newtonsoft.Json.JsonConverter<ICollection<T>?>
{
    public override ICollection<T>? ReadJson(Newtonsoft.Json.JsonReader reader, Type objectType, ICollection<T>? existingValue, bool hasExistingValue, Newtonsoft.Json.JsonSerializer serializer) =>
        reader.TokenType switch
        {
            Newtonsoft.Json.JsonToken.Null or Newtonsoft.Json.JsonToken.Undefined => null,
            Newtonsoft.Json.JsonToken.StartArray => serializer.Deserialize<List<T>>(reader),
            Newtonsoft.Json.JsonToken.StartObject => serializer.Deserialize<T>(reader) is { } item ? [item] : [],
            _ => throw new Newtonsoft.Json.JsonSerializationException($"an array or an object was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(Newtonsoft.Json.JsonWriter writer, ICollection<T>? value, Newtonsoft.Json.JsonSerializer serializer) => serializer.Serialize(writer, value);
}
