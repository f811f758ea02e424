namespace Pan123;

/// <summary>
/// The key under which a provider keeps its token in a store: a hash of the platform address and the
/// account, so the store names accounts without holding a client id or a secret.
/// </summary>
internal static class TokenStoreKey
{
    public static string For(string scope, params string[] identity) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scope + "\n" + string.Join("\n", identity))));
}
