using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// One partition's held messages, stored in offset order, and handed out in release order. Their
/// bytes go to the engine's <see cref="ArrivalLog"/>, shared by all partitions, and move to pooled
/// chunks of this partition's own if still held when the log comes round to them (without a log,
/// and for a message larger than a log chunk, they go there at once). Rows in own chunks come
/// before rows in the log, in offset order. By default release order is offset order (a FIFO), so
/// an own chunk goes back to the pool as soon as the release front moves past it: no per-message
/// arrays, no compaction, no fragmentation. With a reorder window (<see cref="EngineOptions.MaxOutOfOrdernessMs"/>)
/// a <see cref="ReorderIndex"/> hands messages out by timestamp instead; storage stays in offset
/// order, and a chunk goes back once every message in it has been released.
/// </summary>
internal sealed class PartitionBuffer : IDisposable
{
    // A released message left in storage behind an unreleased one (reorder mode only).
    private const int ReleasedMark = int.MinValue;

    private readonly BufferPools _pools;
    private readonly ReorderIndex? _reorder;
    private readonly ArrivalLog? _log;

    // Rows from this sequence number on are in the log (a held message's Chunk is then the
    // complement of the log chunk's index); rows before it in own chunks.
    private long _firstInLog;

    // Chunks in use, a ring indexed by chunk number (it doubles as needed; most partitions use one or two at a time); chunk numbers only grow.
    private byte[][] _chunks = new byte[2][];
    private int _firstChunk;
    private int _chunkCount;
    private int _writePosition;

    // Stored messages, a ring indexed by sequence number (the order they came in); it doubles as needed.
    // Its length less one is kept here, so that finding a slot does not wait on reading the array's
    // length first: with thousands of partitions each is a cache miss of its own.
    private HeldMessage[] _ring;
    private int _ringMask;
    private long _firstSequence;
    private long _nextSequence;

    // The release in progress: messages taken, their bytes, and (reorder mode) their sequence numbers.
    private int _taken;
    private long _takenBytes;
    private readonly List<long>? _takenSequences;

    public PartitionBuffer(BufferPools pools, bool reorder = false, ArrivalLog? log = null)
    {
        _pools = pools;
        _log = log;
        _ring = pools.Rings.Rent(BufferPools.MinRingLength);
        _ringMask = _ring.Length - 1;
        if (reorder)
        {
            _reorder = new ReorderIndex();
            _takenSequences = [];
        }
    }

    /// <summary>Messages held and not released.</summary>
    public int Count { get; private set; }

    /// <summary>Key and value bytes of the messages held and not released.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bytes of pooled chunks in use, at least <see cref="Bytes"/>.</summary>
    public long ReservedBytes { get; private set; }

    /// <summary>The <see cref="ArrivalLog.Generation"/> this partition last wrote into; the log's to keep.</summary>
    public long LogGeneration { get; set; } = -1;

    /// <summary>Messages taken by the release in progress.</summary>
    public int Taken => _taken;

    /// <summary>There is a message left to take in the release in progress.</summary>
    public bool HasNext => _taken < Count;

    /// <summary>
    /// Stores a message. In reorder mode it is placed by timestamp among the messages held since the
    /// last one that <paramref name="startsRun"/> (a late message: it keeps its offset position).
    /// </summary>
    public void Append(long offset, long timestampMs, long brokerTimestampMs, long arrivalMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<byte> headers = default, bool startsRun = false)
    {
        var size = key.Length + value.Length + headers.Length;
        if (_nextSequence - _firstSequence > _ringMask)
        {
            GrowRing();
        }

        int chunk, position;
        Span<byte> destination;
        if (_log is not null && size <= _log.ChunkSize)
        {
            (var logChunk, position) = _log.Reserve(size, this);
            chunk = ~logChunk;
            destination = _log.Chunk(logChunk).AsSpan(position, size);
        }
        else
        {
            // Own chunks hold the rows before those in the log: what the log holds moves first.
            MoveOutOfLog(null);
            _firstInLog = _nextSequence + 1;
            (chunk, position) = ReserveOwn(size);
            destination = _chunks[chunk & (_chunks.Length - 1)].AsSpan(position, size);
        }

        key.CopyTo(destination);
        value.CopyTo(destination[key.Length..]);
        headers.CopyTo(destination[(key.Length + value.Length)..]);

        var sequence = _nextSequence++;
        ref var slot = ref Slot(sequence);
        slot.Offset = offset;
        slot.TimestampMs = timestampMs;
        slot.BrokerTimestampMs = brokerTimestampMs;
        slot.ArrivalMs = arrivalMs;
        slot.Chunk = chunk;
        slot.Position = position;
        slot.KeyLength = keyIsNull ? -1 : key.Length;
        slot.ValueLength = valueIsNull ? -1 : value.Length;
        slot.HeadersLength = headers.Length;
        _reorder?.Add(timestampMs, sequence, startsRun);
        Count++;
        Bytes += size;
    }

    /// <summary>The next message in release order, after those taken by the release in progress.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly HeldMessage PeekNext() =>
        ref _reorder is null ? ref Slot(_firstSequence + _taken) : ref Slot(_reorder.MinSequence);

    /// <summary>The first message in release order (none taken yet); for what falls due.</summary>
    public ref readonly HeldMessage PeekFirst() =>
        ref _reorder is null ? ref Slot(_firstSequence) : ref Slot(_reorder.MinSequence);

    /// <summary>Takes <see cref="PeekNext"/> into the release in progress.</summary>
    public void TakeNext()
    {
        ref readonly var message = ref PeekNext();
        _takenBytes += message.PayloadBytes;
        _taken++;
        if (message.Chunk < 0)
        {
            _log!.Forget(~message.Chunk);
        }
        if (_reorder is not null)
        {
            _takenSequences!.Add(_reorder.RemoveMin());
        }
    }

    /// <summary>The chunk that holds <paramref name="message"/>'s bytes, valid until the release that takes it is committed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte[] ChunkOf(in HeldMessage message) =>
        message.Chunk < 0 ? _log!.Chunk(~message.Chunk) : _chunks[message.Chunk & (_chunks.Length - 1)];

    /// <summary>
    /// Moves the held rows in the log's chunk <paramref name="logChunk"/> (every chunk when null)
    /// to own chunks, and returns how many moved. Rows enter the log in offset order and leave it
    /// oldest chunk first, so those in the chunk are the first rows still held in the log.
    /// </summary>
    public int MoveOutOfLog(int? logChunk)
    {
        var moved = 0;
        var sequence = Math.Max(_firstInLog, _firstSequence);
        for (; sequence < _nextSequence; sequence++)
        {
            ref var slot = ref Slot(sequence);

            // A row released out of offset order (reorder mode) is not held: it stays behind,
            // whichever chunk it was in (the log skips chunks that hold nothing, so it may be one gone round).
            if (slot.ValueLength == ReleasedMark)
            {
                continue;
            }

            if (slot.Chunk >= 0 || (logChunk is { } only && slot.Chunk != ~only))
            {
                break;
            }

            var size = slot.PayloadBytes;
            var source = _log!.Chunk(~slot.Chunk).AsSpan(slot.Position, size);
            _log.Forget(~slot.Chunk);
            (slot.Chunk, slot.Position) = ReserveOwn(size);
            source.CopyTo(_chunks[slot.Chunk & (_chunks.Length - 1)].AsSpan(slot.Position, size));
            moved++;
        }

        _firstInLog = sequence;
        return moved;
    }

    /// <summary>
    /// Ends the release in progress: the taken messages leave, and chunks nothing unreleased points
    /// into go back. Returns how many left, their bytes, and the last offset below which every
    /// stored offset has been released (null when no message left).
    /// </summary>
    public (int Count, long Bytes, long? ReleasedThrough) CommitTaken()
    {
        var (count, bytes) = (_taken, _takenBytes);
        if (count == 0)
        {
            return (0, 0, null);
        }

        long lastReleased;
        if (_reorder is null)
        {
            lastReleased = Slot(_firstSequence + count - 1).Offset;
            _firstSequence += count;
        }
        else
        {
            foreach (var sequence in _takenSequences!)
            {
                Slot(sequence).ValueLength = ReleasedMark;
            }

            _takenSequences.Clear();
            lastReleased = Slot(_firstSequence).Offset - 1;
            while (_firstSequence < _nextSequence && Slot(_firstSequence).ValueLength == ReleasedMark)
            {
                lastReleased = Slot(_firstSequence).Offset;
                _firstSequence++;
            }
        }

        Count -= count;
        Bytes -= bytes;
        _taken = 0;
        _takenBytes = 0;
        ReturnChunksBefore(_firstSequence >= Math.Min(_firstInLog, _nextSequence) ? _firstChunk + _chunkCount : Slot(_firstSequence).Chunk);
        return (count, bytes, lastReleased);
    }

    public void Dispose()
    {
        // The rows it holds in the log are dropped with it (those taken were forgotten when taken).
        for (var sequence = Math.Max(_firstInLog, _firstSequence + (_reorder is null ? _taken : 0)); sequence < _nextSequence; sequence++)
        {
            ref readonly var slot = ref Slot(sequence);
            if (slot.Chunk < 0 && slot.ValueLength != ReleasedMark)
            {
                _log!.Forget(~slot.Chunk);
            }
        }

        ReturnChunksBefore(_firstChunk + _chunkCount);
        _pools.Rings.Return(_ring);
        _ring = [];
        _ringMask = -1;
        _firstSequence = _firstInLog = _nextSequence;
        Count = 0;
        Bytes = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref HeldMessage Slot(long sequence) => ref _ring[(int)sequence & _ringMask];

    /// <summary>Room for <paramref name="size"/> bytes at the end of the own chunks: the chunk's number and the position in it.</summary>
    private (int Chunk, int Position) ReserveOwn(int size)
    {
        var chunk = ChunkWithRoomFor(size);
        var position = _writePosition;
        _writePosition += size;
        return (chunk, position);
    }

    /// <summary>The number of the chunk, the newest, that has room for <paramref name="size"/> more bytes.</summary>
    private int ChunkWithRoomFor(int size)
    {
        if (_chunkCount > 0)
        {
            var newest = _firstChunk + _chunkCount - 1;
            if (_chunks[newest & (_chunks.Length - 1)].Length - _writePosition >= size)
            {
                return newest;
            }
        }

        if (_chunkCount == _chunks.Length)
        {
            var larger = new byte[_chunks.Length * 2][];
            for (var n = _firstChunk; n < _firstChunk + _chunkCount; n++)
            {
                larger[n & (larger.Length - 1)] = _chunks[n & (_chunks.Length - 1)];
            }

            _chunks = larger;
        }

        // Sized by what the partition holds now, not by how long it has held something: with
        // thousands of partitions each holds a message or a few at a time, for as long as the replay
        // runs, and chunks that doubled while it did took 64 KiB a partition to hold a message each.
        var preferred = (int)Math.Min(BufferPools.ChunkSize, BitOperations.RoundUpToPowerOf2((ulong)(Bytes + size)));
        var number = _firstChunk + _chunkCount;
        var chunk = _pools.Chunks.Rent(size, preferred);
        _chunks[number & (_chunks.Length - 1)] = chunk;
        _chunkCount++;
        ReservedBytes += chunk.Length;
        _writePosition = 0;
        return number;
    }

    private void ReturnChunksBefore(int chunk)
    {
        while (_chunkCount > 0 && _firstChunk != chunk)
        {
            ref var slot = ref _chunks[_firstChunk & (_chunks.Length - 1)];
            ReservedBytes -= slot.Length;
            _pools.Chunks.Return(slot);
            slot = null!;
            _firstChunk++;
            _chunkCount--;
        }

        if (_chunkCount == 0)
        {
            _writePosition = 0;
        }
    }

    private void GrowRing()
    {
        // Twice the length is a power of two, which the ring's masking relies on.
        var larger = _pools.Rings.Rent(_ring.Length * 2);
        Debug.Assert(BitOperations.IsPow2(larger.Length), "ring capacity must be a power of two");
        for (var sequence = _firstSequence; sequence < _nextSequence; sequence++)
        {
            larger[(int)(sequence & (larger.Length - 1))] = Slot(sequence);
        }

        _pools.Rings.Return(_ring);
        _ring = larger;
        _ringMask = larger.Length - 1;
    }
}
