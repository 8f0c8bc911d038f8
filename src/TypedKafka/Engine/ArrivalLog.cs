using System.Buffers;
using System.Diagnostics;

namespace TypedKafka.Engine;

/// <summary>
/// Where the engine's partitions first store held messages' bytes: one ring of chunks written in
/// arrival order, whatever the partition. With thousands of partitions, a chunk per partition
/// made every message written and read a cache miss or two (each partition wrote to a line of its
/// own); here writes go one after another, and a replay releases rows in about the order they
/// came, so reads do too. Most rows are released before the ring comes round to their chunk
/// again; those still held then (a partition that runs ahead, paused) move to chunks of their
/// own partition (<see cref="PartitionBuffer.MoveOutOfLog"/>), so one such row never pins a
/// shared chunk, and memory stays what the partitions hold plus the ring's fixed size.
/// </summary>
internal sealed class ArrivalLog : IDisposable
{
    private readonly BufferPools _pools;
    private readonly byte[]?[] _chunks;

    // The partitions that wrote into each chunk since it was last reused: those that may still hold
    // rows in it. Arrays from the shared pool, since every engine would grow them again (about
    // 600 entries a chunk with thousands of partitions).
    private readonly PartitionBuffer[][] _writers;
    private readonly int[] _writerCounts;

    // Rows in each chunk still held (not taken for release, not moved out): when the ring comes round
    // to a chunk with none, as it does to most in a replay, its writers need not be visited (with
    // thousands of partitions, about one a row, each a cache miss or two).
    private readonly int[] _heldRows;
    private int _current;
    private int _writePosition;

    /// <param name="pools">Where the ring's chunks come from, taken as first needed.</param>
    /// <param name="chunks">The ring's length in chunks.</param>
    /// <param name="chunkSize">The bytes used of each chunk, at most <see cref="BufferPools.ChunkSize"/>.</param>
    public ArrivalLog(BufferPools pools, int chunks, int chunkSize = BufferPools.ChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunks, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, BufferPools.ChunkSize);
        _pools = pools;
        ChunkSize = chunkSize;
        _chunks = new byte[chunks][];
        _writers = new PartitionBuffer[chunks][];
        _writerCounts = new int[chunks];
        _heldRows = new int[chunks];
        Array.Fill(_writers, []);
        _chunks[0] = pools.Chunks.Rent(chunkSize);
    }

    /// <summary>The most bytes of one row the log takes; a larger one goes to its partition's own chunks.</summary>
    public int ChunkSize { get; }

    /// <summary>Counts the times the ring came round: the current chunk's generation, for a partition to tell whether it wrote into it already.</summary>
    public long Generation { get; private set; }

    /// <summary>Rows moved to their partition's own chunks because they were held when the ring came round to them.</summary>
    public long MovedRows { get; private set; }

    public byte[] Chunk(int index) => _chunks[index]!;

    /// <summary>
    /// Room for <paramref name="size"/> bytes (at most <see cref="ChunkSize"/>) written
    /// by <paramref name="writer"/>: the chunk's index and the position in it. Moving on to the next
    /// chunk first moves the rows still held in it to their partitions' own chunks.
    /// </summary>
    public (int Chunk, int Position) Reserve(int size, PartitionBuffer writer)
    {
        if (ChunkSize - _writePosition < size)
        {
            Advance();
        }

        if (writer.LogGeneration != Generation)
        {
            writer.LogGeneration = Generation;
            AddWriter(writer);
        }

        var position = _writePosition;
        _writePosition += size;
        _heldRows[_current]++;
        return (_current, position);
    }

    /// <summary>A row reserved in the chunk is no longer held there: taken for release, moved out, or dropped.</summary>
    public void Forget(int chunk)
    {
        _heldRows[chunk]--;
        Debug.Assert(_heldRows[chunk] >= 0, "a row forgotten twice");
    }

    public void Dispose()
    {
        for (var i = 0; i < _chunks.Length; i++)
        {
            if (_chunks[i] is { } chunk)
            {
                _pools.Chunks.Return(chunk);
                _chunks[i] = null;
            }

            ReturnWriters(i);
        }
    }

    private void AddWriter(PartitionBuffer writer)
    {
        var writers = _writers[_current];
        var count = _writerCounts[_current];
        if (count == writers.Length)
        {
            var larger = ArrayPool<PartitionBuffer>.Shared.Rent(Math.Max(16, count * 2));
            writers.AsSpan(0, count).CopyTo(larger);
            ReturnWriters(_current);
            _writers[_current] = writers = larger;
        }

        writers[count] = writer;
        _writerCounts[_current] = count + 1;
    }

    /// <summary>Returns the chunk's writer array to the pool, cleared, so that the pool holds no partition alive.</summary>
    private void ReturnWriters(int chunk)
    {
        if (_writers[chunk].Length > 0)
        {
            ArrayPool<PartitionBuffer>.Shared.Return(_writers[chunk], clearArray: true);
        }

        _writers[chunk] = [];
        _writerCounts[chunk] = 0;
    }

    private void Advance()
    {
        Generation++;
        _current = (_current + 1) % _chunks.Length;
        _writePosition = 0;
        var writers = _writers[_current];
        var count = _writerCounts[_current];
        for (var i = 0; i < count && _heldRows[_current] > 0; i++)
        {
            MovedRows += writers[i].MoveOutOfLog(_current);
        }

        Debug.Assert(_heldRows[_current] == 0, "rows left behind in a reused chunk");
        writers.AsSpan(0, count).Clear();
        _writerCounts[_current] = 0;
        _chunks[_current] ??= _pools.Chunks.Rent(ChunkSize);
    }
}
