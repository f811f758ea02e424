namespace Pan123.Cli.Commands;

using System.CommandLine;
using System.Globalization;
using Newtonsoft.Json.Linq;

/// <summary><c>pan123 whoami [--json]</c>: the account the credentials act for (GET /api/v1/user/info).</summary>
internal static class WhoamiCommand
{
    public static Command Create(CommonOptions common)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object with the platform's field names, for scripts." };
        var command = new Command("whoami", "Print the account the credentials act for (GET /api/v1/user/info): uid, VIP level and expiry, space used and total, direct-link traffic left.")
        {
            json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, common, download: null, async (connection, output, _, ct) =>
        {
            var user = (await connection.User.GetUserInfoAsync(ct).ConfigureAwait(false)).Data;
            await output.WriteLineAsync(parse.GetValue(json) ? Json(user) : Describe(user)).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    // The platform's field names and shapes (times as it writes them), built field by field: the native tool has no reflection.
    private static string Json(UserInfo user) => new JObject
    {
        ["uid"] = user.Uid,
        ["nickname"] = user.Nickname,
        ["spaceUsed"] = user.SpaceUsed,
        ["spacePermanent"] = user.SpacePermanent,
        ["spaceTemp"] = user.SpaceTemp,
        ["spaceTempExpr"] = user.SpaceTempExpr,
        ["vip"] = user.Vip,
        ["directTraffic"] = user.DirectTraffic,
        ["vipInfo"] = user.VipInfo is null ? null : new JArray(user.VipInfo.Select(v => new JObject
        {
            ["vipLevel"] = v.VipLevel,
            ["vipLabel"] = v.VipLabel,
            ["startTime"] = PlatformTimeConverter.ToPlatformText(v.StartTime),
            ["endTime"] = PlatformTimeConverter.ToPlatformText(v.EndTime),
        })),
    }.ToString(Newtonsoft.Json.Formatting.None);

    private static string Describe(UserInfo user)
    {
        var vip = user.VipInfo?.OrderByDescending(v => v.EndTime).FirstOrDefault();
        return string.Join('\n',
            string.Create(CultureInfo.InvariantCulture, $"uid          {user.Uid}"),
            $"nickname     {user.Nickname}",
            user.Vip == true
                ? $"vip          {(vip?.VipLabel is { Length: > 0 } label ? label : "VIP")} (level {vip?.VipLevel}){(vip?.EndTime is { } end ? string.Create(CultureInfo.InvariantCulture, $", until {end:yyyy-MM-dd HH:mm} (UTC+8)") : string.Empty)}"
                : "vip          no",
            $"space        {Size(user.SpaceUsed)} used of {Size(user.SpacePermanent + (user.SpaceTemp ?? 0))}",
            $"direct-link  {(user.DirectTraffic is { } traffic ? Size(traffic) + " of traffic left" : "not reported")}");
    }

    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : bytes >= 1L << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
}
