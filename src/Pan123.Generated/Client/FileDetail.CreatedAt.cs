using System.Globalization;
using Newtonsoft.Json;

namespace Pan123;

public partial class FileDetail
{
    private static readonly TimeSpan PlatformOffset = TimeSpan.FromHours(8);

    /// <summary>
    /// <see cref="CreateAt"/> as a point in time. The platform writes it as <c>yyyy-MM-dd HH:mm:ss</c>
    /// without an offset, in its own time zone (UTC+8), so it cannot be a <c>date-time</c> in the
    /// contract. <see langword="null"/> when the platform sent something else.
    /// </summary>
    [JsonIgnore]
    public DateTimeOffset? CreatedAt =>
        DateTime.TryParseExact(CreateAt, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, PlatformOffset)
            : null;
}
