namespace Pan123;

/// <summary>
/// What a download needs to know of a file on the platform: its name, size and MD5, from
/// file/detail or from a folder listing's entry (which spares the file/detail call).
/// </summary>
internal sealed record RemoteFile(long FileId, string Filename, long Size, string ETag)
{
    public static RemoteFile From(FileItem entry) => new(entry.FileId, entry.Filename, entry.Size, entry.ETag ?? string.Empty);
}
