namespace Pan123;

/// <summary>
/// The platform's times (<c>x-platform-format: time</c> in the contract): <c>yyyy-MM-dd HH:mm:ss</c>,
/// no offset, in the platform's time zone (UTC+8), read as a <see cref="DateTimeOffset"/> with offset
/// +08:00. A value in another shape reads as <see langword="null"/> rather than failing the call: a time
/// is never worth losing a file's details over.
/// </summary>
internal sealed class PlatformTimeConverter : Newtonsoft.Json.JsonConverter<DateTimeOffset?>
{
    private const string Format = "yyyy-MM-dd HH:mm:ss";

    /// <summary>The platform's offset from UTC.</summary>
    public static readonly TimeSpan PlatformOffset = TimeSpan.FromHours(8);

    public override DateTimeOffset? ReadJson(Newtonsoft.Json.JsonReader reader, Type objectType, DateTimeOffset? existingValue, bool hasExistingValue, Newtonsoft.Json.JsonSerializer serializer) =>
        reader.TokenType switch
        {
            Newtonsoft.Json.JsonToken.String when DateTime.TryParseExact((string?)reader.Value, Format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local) => new DateTimeOffset(local, PlatformOffset),
            Newtonsoft.Json.JsonToken.Date when reader.Value is DateTimeOffset offset => offset,
            Newtonsoft.Json.JsonToken.Date when reader.Value is DateTime local => new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), PlatformOffset),
            _ => null,
        };

    public override void WriteJson(Newtonsoft.Json.JsonWriter writer, DateTimeOffset? value, Newtonsoft.Json.JsonSerializer serializer) => writer.WriteValue(ToPlatformText(value));

    /// <summary>A time as the platform writes it (<c>yyyy-MM-dd HH:mm:ss</c>, platform time), or <see langword="null"/>.</summary>
    public static string? ToPlatformText(DateTimeOffset? time) => time?.ToOffset(PlatformOffset).ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
}
