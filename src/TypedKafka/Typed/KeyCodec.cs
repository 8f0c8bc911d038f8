using System.Buffers.Binary;
using System.Text.Unicode;
using Apache.Arrow;
using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka;

/// <summary>
/// How a typed consumer reads message keys: the Arrow type of the <c>key</c> column, how the raw
/// key bytes become it, and how a cell of it becomes a <typeparamref name="TKey"/>.
/// </summary>
internal abstract class KeyCodec<TKey>
{
    public abstract IArrowType ArrowType { get; }

    /// <summary>
    /// The key column for the batch, built from the raw binary keys; <paramref name="badKeys"/>
    /// gets the reason for every row whose key cannot be read (its cell is null).
    /// </summary>
    public abstract IArrowArray Convert(BinaryArray raw, Dictionary<int, string> badKeys);

    public abstract TKey? Read(IArrowArray column, int row);

    public static KeyCodec<TKey> Create()
    {
        object codec = typeof(TKey) == typeof(string) ? new Utf8Keys()
            : typeof(TKey) == typeof(byte[]) ? new BinaryKeys()
            : typeof(TKey) == typeof(int) ? new BigEndianKeys<int>(Int32Type.Default)
            : typeof(TKey) == typeof(long) ? new BigEndianKeys<long>(Int64Type.Default)
            : throw new NotSupportedException(
                $"Keys of type {typeof(TKey)} are not supported: use string (UTF-8), byte[] (raw), int or long (big-endian, as Confluent's serializers write them).");
        return (KeyCodec<TKey>)codec;
    }

    /// <summary>A new reference to the same buffers, typed as <paramref name="type"/>: no copy.</summary>
    private protected static ArrayData Share(ArrayData data, IArrowType type) =>
        new(type, data.Length, data.GetNullCount(), data.Offset, data.Buffers.Select(b => b.Retain()).ToArray(), null);

    /// <summary>UTF-8 keys: the binary column reused as utf8 when every key is valid UTF-8, copied otherwise.</summary>
    private sealed class Utf8Keys : KeyCodec<string>
    {
        private readonly StringColumn _copy = new(nullable: true);

        public override IArrowType ArrowType => StringType.Default;

        public override IArrowArray Convert(BinaryArray raw, Dictionary<int, string> badKeys)
        {
            // The keys lie back to back (a null key is empty): when all of them together are valid
            // UTF-8 and none starts with a continuation byte, no character spans two keys, so each is valid.
            var offsets = raw.ValueOffsets;
            var bytes = raw.ValueBuffer.Span;
            var allValid = raw.Length == 0 || Utf8.IsValid(bytes[offsets[0]..offsets[raw.Length]]);
            for (var row = 0; row < raw.Length && allValid; row++)
            {
                allValid = offsets[row] == offsets[row + 1] || (bytes[offsets[row]] & 0xC0) != 0x80;
            }

            if (allValid)
            {
                return new StringArray(Share(raw.Data, StringType.Default));
            }

            for (var row = 0; row < raw.Length; row++)
            {
                var key = raw.GetBytes(row);
                if (raw.IsNull(row))
                {
                    _copy.AppendNull();
                }
                else if (Utf8.IsValid(key))
                {
                    _copy.Append(key);
                }
                else
                {
                    _copy.AppendNull();
                    badKeys[row] = "the key is not valid UTF-8";
                }
            }

            return _copy.Build();
        }

        public override string? Read(IArrowArray column, int row) => ((StringArray)column).GetString(row);
    }

    private sealed class BinaryKeys : KeyCodec<byte[]>
    {
        public override IArrowType ArrowType => BinaryType.Default;

        public override IArrowArray Convert(BinaryArray raw, Dictionary<int, string> badKeys) => new BinaryArray(Share(raw.Data, BinaryType.Default));

        public override byte[]? Read(IArrowArray column, int row) =>
            column.IsNull(row) ? null : ((BinaryArray)column).GetBytes(row).ToArray();
    }

    /// <summary>Big-endian two's complement integers, as Confluent.Kafka's Serializers.Int32 and Int64 write them.</summary>
    private sealed class BigEndianKeys<T> : KeyCodec<T>
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        private readonly NumberColumn<T> _column = new(nullable: true);
        private readonly int _width;

        public BigEndianKeys(IArrowType type)
        {
            ArrowType = type;
            _width = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        }

        public override IArrowType ArrowType { get; }

        public override IArrowArray Convert(BinaryArray raw, Dictionary<int, string> badKeys)
        {
            for (var row = 0; row < raw.Length; row++)
            {
                var key = raw.GetBytes(row);
                if (raw.IsNull(row))
                {
                    _column.AppendNull();
                }
                else if (key.Length == _width)
                {
                    _column.AppendValue(T.ReadBigEndian(key, isUnsigned: false));
                }
                else
                {
                    _column.AppendNull();
                    badKeys[row] = $"the key has {key.Length} bytes, a big-endian {typeof(T).Name} has {_width}";
                }
            }

            return _column.Build();
        }

        public override T Read(IArrowArray column, int row) =>
            column.IsNull(row) ? default : ((PrimitiveArray<T>)column).Values[row];
    }
}
