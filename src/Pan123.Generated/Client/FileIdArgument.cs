using System.Globalization;

namespace Pan123;

/// <summary>
/// The contract declares every file id <c>minimum: 1</c>, but NSwag emits no range checks, so the
/// base client checks the query it is about to send: a bad id fails before any request.
/// </summary>
internal static class FileIdArgument
{
    public static void ThrowIfInvalid(string url)
    {
        var query = url.AsSpan(url.IndexOf('?', StringComparison.Ordinal) + 1);
        if (query.Length == url.Length)
        {
            return;
        }

        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            if (equals < 0 || !pair[..equals].Equals("fileId", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = pair[(equals + 1)..];
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new ArgumentOutOfRangeException(pair[..equals].ToString(), value.ToString(), "A 123pan file id must be a positive integer.");
            }
        }
    }
}
