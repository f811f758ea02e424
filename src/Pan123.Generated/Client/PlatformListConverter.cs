using Newtonsoft.Json;

namespace Pan123;

/// <summary>
/// A list the platform sends as an array, or as a single object where it holds one item
/// (<c>x-platform-format: list</c>, e.g. user/info's <c>vipInfo</c>): read as a list either way.
/// </summary>
/// <typeparam name="T">The item's model.</typeparam>
internal sealed class PlatformListConverter<T> : JsonConverter<ICollection<T>?>
{
    public override ICollection<T>? ReadJson(JsonReader reader, Type objectType, ICollection<T>? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
        reader.TokenType switch
        {
            JsonToken.Null or JsonToken.Undefined => null,
            JsonToken.StartArray => serializer.Deserialize<List<T>>(reader),
            JsonToken.StartObject => serializer.Deserialize<T>(reader) is { } item ? [item] : [],
            _ => throw new JsonSerializationException($"an array or an object was expected, not {reader.TokenType}."),
        };

    public override void WriteJson(JsonWriter writer, ICollection<T>? value, JsonSerializer serializer) => serializer.Serialize(writer, value);
}
