namespace Pan123.Redis;

using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

/// <summary>
/// The keys of one account on one platform address: <c>&lt;prefix&gt;:&lt;account hash&gt;:...</c>. The
/// account is named by a hash of the base address and the client id (or of the access token, for a
/// static token), so no key holds a secret and two accounts never share a limit.
/// </summary>
internal sealed class RedisKeys(string prefix, Pan123ClientOptions options)
{
    private readonly string _root = $"{prefix}:{Account(options)}";

    public RedisKey Token(string key) => $"{_root}:token:{key}";

    public RedisKey TokenLock(string key) => $"{_root}:token:{key}:lock";

    public RedisKey Window(string operationId) => $"{_root}:limit:{operationId}";

    public RedisKey Pause(string operationId) => $"{_root}:pause:{operationId}";

    private static string Account(Pan123ClientOptions options)
    {
        var identity = options.ClientId ?? "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.AccessToken ?? string.Empty)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.BaseAddress.AbsoluteUri + "\n" + identity)))[..32];
    }
}
