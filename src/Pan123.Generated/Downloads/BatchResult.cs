namespace Pan123;

/// <summary>What became of one file of a folder or id-list download.</summary>
public enum BatchFileOutcome
{
    /// <summary>Downloaded and verified.</summary>
    Downloaded,

    /// <summary>The local file already had the same size and MD5: no link was asked for.</summary>
    AlreadyPresent,

    /// <summary>Left out on purpose: in the trash, or blocked by review. Not a failure.</summary>
    Skipped,

    /// <summary>Failed; <see cref="BatchFileResult.Error"/> says why.</summary>
    Failed,

    /// <summary>Not tried: the download quota ran out (code 5113) before its turn.</summary>
    NotAttempted,
}

/// <summary>One file of a folder or id-list download.</summary>
/// <param name="FileId">The platform's file id.</param>
/// <param name="RemotePath">Its path below the downloaded folder (<c>photos/a.jpg</c>), or its name for an id.</param>
/// <param name="LocalPath">Where it is (or would have been) written; <see langword="null"/> when no name was given to it.</param>
/// <param name="Size">Its size in bytes, when known.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Reason">Why it was skipped, failed or not tried; <see langword="null"/> otherwise.</param>
/// <param name="Error">The failure, for <see cref="BatchFileOutcome.Failed"/>.</param>
public sealed record BatchFileResult(long FileId, string RemotePath, string? LocalPath, long Size, BatchFileOutcome Outcome, string? Reason = null, Exception? Error = null);

/// <summary>The files of a folder or id-list download, in the order they were planned.</summary>
/// <param name="Files">One entry per file (and per skipped folder).</param>
public sealed record BatchResult(IReadOnlyList<BatchFileResult> Files)
{
    /// <summary>How many files ended with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">The outcome to count.</param>
    /// <returns>The count.</returns>
    public int Count(BatchFileOutcome outcome) => Files.Count(f => f.Outcome == outcome);

    /// <summary>Whether every file that should be there is there at the end (skipped entries do not count).</summary>
    public bool Succeeded => Files.All(f => f.Outcome is BatchFileOutcome.Downloaded or BatchFileOutcome.AlreadyPresent or BatchFileOutcome.Skipped);
}

/// <summary>Progress of a folder or id-list download.</summary>
/// <param name="FilesDone">Files finished (any outcome).</param>
/// <param name="FilesTotal">Files planned.</param>
/// <param name="BytesDone">Bytes of finished files plus bytes of files under way.</param>
/// <param name="BytesTotal">Bytes of all planned files.</param>
public readonly record struct BatchProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal);
