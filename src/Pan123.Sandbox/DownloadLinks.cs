using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pan123.Sandbox;

/// <summary>
/// Signed, expiring CDN links, as download_info hands out: the signature covers the file id, the
/// expiry and a generation that <see cref="ExpireAll"/> bumps, so old links can be made invalid.
/// </summary>
internal sealed class DownloadLinks(SandboxPlatform platform)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private int _generation;

    public void ExpireAll() => Interlocked.Increment(ref _generation);

    public Uri Create(SandboxFile file)
    {
        var expires = (platform.TimeProvider.GetUtcNow() + platform.LinkLifetime).ToUnixTimeSeconds();
        var hops = platform.Faults.CdnRedirectHops;
        var prefix = hops > 0 ? $"hop/{hops}/" : string.Empty;
        return new Uri(platform.LinkBaseAddress ?? platform.CdnBaseAddress, $"{prefix}{file.CdnPath}?t={expires}&sign={Sign(file.FileId, expires)}");
    }

    public bool IsValid(long fileId, string? expires, string? sign) =>
        long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
        && t > platform.TimeProvider.GetUtcNow().ToUnixTimeSeconds()
        && sign is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sign), Encoding.ASCII.GetBytes(Sign(fileId, t)));

    private string Sign(long fileId, long expires)
    {
        var message = Encoding.ASCII.GetBytes($"{fileId}:{expires}:{Volatile.Read(ref _generation)}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, message))[..32];
    }
}
