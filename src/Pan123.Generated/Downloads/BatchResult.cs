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

/// <summary>One file of a folder or id-list download. Tests of consuming code make one with <see cref="Pan123ModelFactory.BatchFileResult"/>.</summary>
public sealed record BatchFileResult
{
    internal BatchFileResult(long fileId, string remotePath, string? localPath, long size, BatchFileOutcome outcome, string? reason = null, Exception? error = null) =>
        (FileId, RemotePath, LocalPath, Size, Outcome, Reason, Error) = (fileId, remotePath, localPath, size, outcome, reason, error);

    /// <summary>The platform's file id.</summary>
    public long FileId { get; init; }

    /// <summary>Its path below the downloaded folder (<c>photos/a.jpg</c>), or its name for an id.</summary>
    public string RemotePath { get; init; }

    /// <summary>Where it is (or would have been) written; <see langword="null"/> when no name was given to it.</summary>
    public string? LocalPath { get; init; }

    /// <summary>Its size in bytes, when known.</summary>
    public long Size { get; init; }

    /// <summary>What became of it.</summary>
    public BatchFileOutcome Outcome { get; init; }

    /// <summary>Why it was skipped, failed or not tried; <see langword="null"/> otherwise.</summary>
    public string? Reason { get; init; }

    /// <summary>The failure, for <see cref="BatchFileOutcome.Failed"/>.</summary>
    public Exception? Error { get; init; }
}

/// <summary>The files of a folder or id-list download, in the order they were planned. Tests of consuming code make one with <see cref="Pan123ModelFactory.BatchResult"/>.</summary>
public sealed record BatchResult
{
    internal BatchResult(IReadOnlyList<BatchFileResult> files) => Files = files;

    /// <summary>One entry per file (and per skipped folder).</summary>
    public IReadOnlyList<BatchFileResult> Files { get; init; }

    /// <summary>How many files ended with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">The outcome to count.</param>
    /// <returns>The count.</returns>
    public int Count(BatchFileOutcome outcome) => Files.Count(f => f.Outcome == outcome);

    /// <summary>Whether every file that should be there is there at the end (skipped entries do not count).</summary>
    public bool Succeeded => Files.All(f => f.Outcome is BatchFileOutcome.Downloaded or BatchFileOutcome.AlreadyPresent or BatchFileOutcome.Skipped);
}

/// <summary>Progress of a folder or id-list download.</summary>
public readonly record struct BatchProgress
{
    internal BatchProgress(int filesDone, int filesTotal, long bytesDone, long bytesTotal) =>
        (FilesDone, FilesTotal, BytesDone, BytesTotal) = (filesDone, filesTotal, bytesDone, bytesTotal);

    /// <summary>Files finished (any outcome).</summary>
    public int FilesDone { get; init; }

    /// <summary>Files planned.</summary>
    public int FilesTotal { get; init; }

    /// <summary>Bytes of finished files plus bytes of files under way.</summary>
    public long BytesDone { get; init; }

    /// <summary>Bytes of all planned files.</summary>
    public long BytesTotal { get; init; }
}
