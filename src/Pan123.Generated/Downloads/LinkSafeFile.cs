namespace Pan123;

using Microsoft.Win32.SafeHandles;

/// <summary>
/// Opens the files a download writes (<c>.part</c>, its note) so that a symbolic link planted at
/// their name is never followed, and takes an exclusive lock on them. On a shared folder anyone can
/// put <c>out.bin.part -&gt; victim</c> there; .NET's <see cref="FileMode.Open"/> would write through it.
/// </summary>
/// <remarks>
/// On Linux this is race-free: a new file is created with <c>O_CREAT|O_EXCL</c> (which never follows
/// a link), an existing one is opened with <c>O_NOFOLLOW</c>, locked with <c>flock</c>, and then checked
/// through its handle (a regular file, the same inode the name has now, so a file that was renamed away
/// while we waited is not taken). Elsewhere the link check happens just before the open.
/// </remarks>
internal static partial class LinkSafeFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading and writing, creating it when missing, locked against
    /// every other opener. A symbolic link at the name is replaced by a new, empty file.
    /// </summary>
    /// <returns>The stream and whether the file was created by this call.</returns>
    /// <exception cref="LinkRefusedException">The name is not a regular file (a folder, a pipe).</exception>
    /// <exception cref="FileInUseException">Another process (or download) holds the file.</exception>
    public static (FileStream Stream, bool Created) OpenOrCreate(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (TryCreateNew(path) is { } created)
            {
                return (created, true);
            }

            try
            {
                if (TryOpenExisting(path) is { } existing)
                {
                    return (existing, false);
                }
            }
            catch (LinkRefusedException) when (IsLink(path))
            {
                // A link planted at the name is replaced by a new file: the link goes, its target is never touched.
                System.IO.File.Delete(path);
            }

            // The file vanished (renamed by its previous owner) or was a link: try again.
            if (attempt == 10)
            {
                throw new IOException($"'{path}' keeps appearing and disappearing; another program is working on it.");
            }
        }
    }

    /// <summary>Creates <paramref name="path"/>; never follows a link, fails when anything is at that name.</summary>
    public static FileStream? TryCreateNew(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (IOException) when (Exists(path))
            {
                return null;
            }
        }

        var fd = Native.Open(path, Native.Flags.ReadWrite | Native.Flags.Create | Native.Flags.Exclusive | Native.Flags.CloseOnExec, 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return errno == Native.EEXIST ? null : throw Native.Failure(errno, path, "create");
        }

        return Lock(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), path);
    }

    /// <summary>Opens an existing regular file, never through a link; <see langword="null"/> when there is none.</summary>
    public static FileStream? TryOpenExisting(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (new System.IO.FileInfo(path).LinkTarget is not null)
            {
                throw new LinkRefusedException(path);
            }

            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (IOException) when (System.IO.File.Exists(path))
            {
                throw new FileInUseException(path);
            }
        }

        var fd = Native.Open(path, Native.Flags.ReadWrite | Native.Flags.NoFollow | Native.Flags.NonBlocking | Native.Flags.CloseOnExec, 0);
        if (fd < 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return errno == Native.ENOENT ? null
                : errno == Native.ELOOP ? throw new LinkRefusedException(path)
                : errno is Native.ENXIO or Native.EISDIR ? throw new LinkRefusedException(path, "is not a regular file")
                : throw Native.Failure(errno, path, "open");
        }

        var stream = Lock(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), path);
        try
        {
            var opened = Native.Identify(stream.SafeFileHandle, path: null)!.Value;
            if (!opened.IsRegularFile)
            {
                throw new LinkRefusedException(path, "is not a regular file");
            }

            // Renamed or replaced while we waited for it: not the file at this name any more.
            if (Native.Identify(null, path) is not { } now || now.Inode != opened.Inode || now.Device != opened.Device)
            {
                stream.Dispose();
                return null;
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether anything is at <paramref name="path"/>, a dangling link included.</summary>
    public static bool Exists(string path) => System.IO.File.Exists(path) || System.IO.Directory.Exists(path) || new System.IO.FileInfo(path).LinkTarget is not null;

    /// <summary>Whether <paramref name="path"/> is itself a symbolic link.</summary>
    public static bool IsLink(string path) => new System.IO.FileInfo(path).LinkTarget is not null;

    /// <summary>Writes the folder's entries to disk, so a rename inside it survives a power loss. A no-op where folders cannot be opened.</summary>
    public static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Native.Open(folder, Native.Flags.ReadOnly | Native.Flags.Directory | Native.Flags.CloseOnExec, 0);
        if (fd < 0)
        {
            return;
        }

        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        _ = Native.FSync(handle);
    }

    private static LockedFileStream Lock(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        if (Native.Flock(handle, Native.LockExclusive | Native.LockNonBlocking) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw errno == Native.EWOULDBLOCK ? new FileInUseException(path) : Native.Failure(errno, path, "lock");
        }

        try
        {
            return new LockedFileStream(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A stream whose <c>flock</c> is released before its descriptor is closed. A process forked by
    /// anyone in this process between our open and its exec holds a copy of the descriptor, and with
    /// it the lock, after our close: the finished file would then look in use for a moment.
    /// </summary>
    private sealed class LockedFileStream(Microsoft.Win32.SafeHandles.SafeFileHandle handle) : FileStream(handle, FileAccess.ReadWrite, bufferSize: 0)
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Unlock();
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync()
        {
            Unlock();
            return base.DisposeAsync();
        }

        private void Unlock()
        {
            if (OperatingSystem.IsLinux() && !SafeFileHandle.IsClosed)
            {
                _ = Native.Flock(SafeFileHandle, Native.LockRelease);
            }
        }
    }

    /// <summary>libc calls for Linux; the open flags are the kernel's, which differ between architectures.</summary>
    private static partial class Native
    {
        public const int ENOENT = 2, ENXIO = 6, EEXIST = 17, EISDIR = 21, EWOULDBLOCK = 11, ELOOP = 40;
        public const int LockExclusive = 2, LockNonBlocking = 4, LockRelease = 8;
        private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
        private const uint StatxTypeModeIno = 0x1 | 0x2 | 0x100;

        private static readonly bool IsArm = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm or System.Runtime.InteropServices.Architecture.Arm64;

        public static class Flags
        {
            public const int ReadOnly = 0, ReadWrite = 2, Create = 0x40, Exclusive = 0x80, NonBlocking = 0x800, CloseOnExec = 0x80000;
            public static readonly int NoFollow = IsArm ? 0x8000 : 0x20000;
            public static readonly int Directory = IsArm ? 0x4000 : 0x10000;
        }

        public static IOException Failure(int errno, string path, string action) =>
            new($"Could not {action} '{path}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.");

        /// <summary>The file behind <paramref name="handle"/>, or at <paramref name="path"/> without following a link; null when nothing is there.</summary>
        public static unsafe FileIdentity? Identify(Microsoft.Win32.SafeHandles.SafeFileHandle? handle, string? path)
        {
            var buffer = stackalloc byte[256];
            var result = handle is not null
                ? StatxHandle(handle, string.Empty, AtEmptyPath, StatxTypeModeIno, buffer)
                : Statx(AtFdCwd, path!, AtSymlinkNoFollow, StatxTypeModeIno, buffer);
            if (result != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                return errno == ENOENT ? null : throw Failure(errno, path ?? "an open file", "inspect");
            }

            // struct statx: stx_mode (u16) at 28, stx_ino (u64) at 32, stx_dev_major/minor (u32) at 136/140.
            var mode = *(ushort*)(buffer + 28);
            var inode = *(ulong*)(buffer + 32);
            var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            return new FileIdentity(device, inode, (mode & 0xF000) == 0x8000);
        }

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags, int mode);

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        public static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle handle, int operation);

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int FSync(Microsoft.Win32.SafeHandles.SafeFileHandle handle);

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
        private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
        private static unsafe partial int StatxHandle(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path, int flags, uint mask, byte* buffer);
    }

    private readonly record struct FileIdentity(ulong Device, ulong Inode, bool IsRegularFile);
}

/// <summary>A download file's name is a symbolic link or not a regular file: refused, the link's target is left untouched.</summary>
internal sealed class LinkRefusedException(string path, string what = "is a symbolic link")
    : IOException($"'{path}' {what}; refusing to write through it. Remove it and run again.")
{
    public string FilePath { get; } = path;
}

/// <summary>Another process, or another download in this one, holds the file.</summary>
internal sealed class FileInUseException(string path)
    : IOException($"'{path}' is in use by another download; wait for it to finish.")
{
    public string FilePath { get; } = path;
}
