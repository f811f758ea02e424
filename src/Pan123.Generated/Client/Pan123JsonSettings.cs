using Newtonsoft.Json;

namespace Pan123;

/// <summary>Serializer settings for the generated clients (settings: jsonSerializerSettingsTransformationMethod).</summary>
internal static class Pan123JsonSettings
{
    public static JsonSerializerSettings Apply(JsonSerializerSettings settings)
    {
        // expiredAt comes as "2025-03-23T15:48:37+08:00": keep its offset instead of converting it to the machine's local time.
        settings.DateParseHandling = DateParseHandling.DateTimeOffset;
        return settings;
    }
}
