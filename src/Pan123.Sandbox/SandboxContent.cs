namespace Pan123.Sandbox;

/// <summary>
/// The bytes of a sandbox file: a deterministic function of its seed and position, so no file is
/// stored anywhere and any range can be produced at memory-copy speed. Each 64 KiB chunk is the
/// seed's random block rotated by a different amount, so chunks differ and a spliced or shifted
/// download changes the MD5.
/// </summary>
internal sealed class SandboxContent
{
    private const int BlockSize = 1 << 16;
    private const int BlockMask = BlockSize - 1;
    private readonly byte[] _block = new byte[BlockSize];

    public SandboxContent(int seed) => new Random(seed).NextBytes(_block);

    /// <summary>Writes the content from <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public void Fill(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var chunk = offset >> 16;
            var rotation = (int)((chunk * 7919) & BlockMask);
            var inChunk = (int)(offset & BlockMask);
            var count = Math.Min(destination.Length, BlockSize - inChunk);

            // Position inChunk of this chunk is _block[(inChunk + rotation) % BlockSize].
            var start = (inChunk + rotation) & BlockMask;
            var first = Math.Min(count, BlockSize - start);
            _block.AsSpan(start, first).CopyTo(destination);
            _block.AsSpan(0, count - first).CopyTo(destination[first..]);

            destination = destination[count..];
            offset += count;
        }
    }
}
