using System.Runtime.InteropServices;

namespace Pan123.Tests.Downloads;

/// <summary>The download's own lock on its files ends when the stream is closed, whoever else holds the descriptor.</summary>
public sealed class LinkSafeFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pan123-lock-").FullName;

    [LinuxFact]
    public async Task The_lock_is_released_at_close_even_while_a_forked_child_still_holds_the_descriptor()
    {
        var path = Path.Combine(_folder, "out.bin.part");
        var stream = LinkSafeFile.TryCreateNew(path)!;
        await stream.WriteAsync(new byte[] { 1, 2, 3 });

        // What a process forked by anyone in this process holds until its exec: a copy of the descriptor.
        var copy = Dup((int)stream.SafeFileHandle.DangerousGetHandle());
        Assert.True(copy >= 0);
        try
        {
            Assert.Throws<FileInUseException>(() => LinkSafeFile.TryOpenExisting(path));
            await stream.DisposeAsync();

            using var reader = File.OpenRead(path);
            Assert.Equal(3, reader.Length);
        }
        finally
        {
            _ = Close(copy);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);
}

/// <summary>A fact about Linux system calls; skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "exercises Linux system calls (open flags, flock)";
        }
    }
}
