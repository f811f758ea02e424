namespace Pan123;

/// <summary>Folder listings and paths on top of <see cref="IPan123FilesClient.GetFileListAsync"/>.</summary>
public static class Pan123FileListing
{
    /// <summary>The most entries the platform returns in one page of <c>file/list</c>.</summary>
    public const int MaxPageSize = 100;

    /// <summary>
    /// Every entry of folder <paramref name="parentFileId"/> (0 is the root), trashed ones included
    /// (<see cref="FileItem.Trashed"/>), following <c>lastFileId</c> page by page as the caller reads.
    /// Each page is one <c>GetFileList</c> call, paced by that operation's rate limit. Paging stops at
    /// the cursor -1, at an empty page, or at a cursor that did not move (a platform that repeats a
    /// page would otherwise never end).
    /// </summary>
    /// <param name="files">The platform client.</param>
    /// <param name="parentFileId">The folder; 0 is the root.</param>
    /// <param name="pageSize">Entries per page, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The entries, page after page.</returns>
    public static async IAsyncEnumerable<FileItem> ListFilesAsync(this IPan123FilesClient files, long parentFileId, int pageSize = MaxPageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegative(parentFileId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        long? cursor = null;
        while (true)
        {
            var page = (await files.GetFileListAsync(parentFileId, pageSize, lastFileId: cursor, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
            foreach (var entry in page.FileList)
            {
                yield return entry;
            }

            if (page.LastFileId == -1 || page.FileList.Count == 0 || page.LastFileId == cursor)
            {
                yield break;
            }

            cursor = page.LastFileId;
        }
    }

    /// <summary>
    /// Finds the entry at <paramref name="path"/> (<c>/docs/2025/report.pdf</c>) by listing each level
    /// from the root; trashed entries are ignored. <c>/</c> is the root, returned as a folder with id 0.
    /// </summary>
    /// <param name="files">The platform client.</param>
    /// <param name="path">An absolute path; <c>/</c> separates names, empty segments are ignored.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="Pan123PathException">A segment is missing, names a file where a folder was expected, or names two live entries.</exception>
    public static async Task<FileItem> ResolvePathAsync(this IPan123FilesClient files, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The path '{path}' must start with '/' (the root of the drive).", nameof(path));
        }

        var current = new FileItem { FileId = 0, Filename = "/", Type = Pan123FileType.Folder, ParentFileId = 0 };
        var walked = string.Empty;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Type != Pan123FileType.Folder)
            {
                throw new Pan123PathException(path, PathProblem.NotAFolder, $"'{walked}' is a file, not a folder, so '{path}' cannot be below it.");
            }

            var matches = new List<FileItem>();
            await foreach (var entry in files.ListFilesAsync(current.FileId, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!entry.Trashed && string.Equals(entry.Filename, segment, StringComparison.Ordinal))
                {
                    matches.Add(entry);
                }
            }

            walked += "/" + segment;
            current = matches.Count switch
            {
                0 => throw new Pan123PathException(path, PathProblem.NotFound, $"'{walked}' does not exist: '{segment}' is not in '{(walked.Length > segment.Length + 1 ? walked[..^(segment.Length + 1)] : "/")}' (list that folder to see its entries)."),
                1 => matches[0],
                _ => throw new Pan123PathException(path, PathProblem.Ambiguous, $"'{walked}' names {matches.Count} entries (ids {string.Join(", ", matches.Select(m => m.FileId))}); use an id instead."),
            };
        }

        return current;
    }
}
