namespace Pan123;

/// <summary>The serializer settings every generated model is read and written with.</summary>
internal static class Pan123JsonSettings
{
    public static Newtonsoft.Json.JsonSerializerSettings Apply(Newtonsoft.Json.JsonSerializerSettings settings)
    {
        // expiredAt comes as "2025-03-23T15:48:37+08:00": keep its offset instead of converting it to the machine's local time.
        settings.DateParseHandling = Newtonsoft.Json.DateParseHandling.DateTimeOffset;
        return settings;
    }
}
