using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TypedKafka.Kafka.Native;

/// <summary>
/// The librdkafka entry points the batch intake needs, declared after <c>rdkafka.h</c> of librdkafka 2.x.
/// </summary>
/// <remarks>
/// <see cref="LibraryName"/> is not a file name: <see cref="NativeLibraryBinding"/> resolves it to the
/// very file Confluent.Kafka loaded, so that handles from Confluent's client are used with the same
/// copy of librdkafka. The accessors that only read a message (<c>rd_kafka_topic_name</c>,
/// <c>rd_kafka_message_timestamp</c>, the header getters) neither block nor call back, so they skip
/// the GC transition: they run once or more per message.
/// </remarks>
internal static unsafe partial class LibRdKafka
{
    internal const string LibraryName = "TypedKafka.librdkafka";

    internal const int PartitionEof = -191;     // RD_KAFKA_RESP_ERR__PARTITION_EOF
    internal const int Fatal = -150;            // RD_KAFKA_RESP_ERR__FATAL
    internal const int NoEntry = -156;          // RD_KAFKA_RESP_ERR__NOENT
    internal const int TimestampNotAvailable = 0; // RD_KAFKA_TIMESTAMP_NOT_AVAILABLE

    // int rd_kafka_version(void);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_version")]
    internal static partial int Version();

    // const char *rd_kafka_name(const rd_kafka_t *rk);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_name")]
    internal static partial byte* Name(nint rk);

    // rd_kafka_queue_t *rd_kafka_queue_get_consumer(rd_kafka_t *rk);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_queue_get_consumer")]
    internal static partial nint QueueGetConsumer(nint rk);

    // void rd_kafka_queue_destroy(rd_kafka_queue_t *rkqu);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_queue_destroy")]
    internal static partial void QueueDestroy(nint rkqu);

    // ssize_t rd_kafka_consume_batch_queue(rd_kafka_queue_t *rkqu, int timeout_ms,
    //                                      rd_kafka_message_t **rkmessages, size_t rkmessages_size);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_consume_batch_queue")]
    internal static partial nint ConsumeBatchQueue(nint rkqu, int timeoutMs, Message** messages, nuint size);

    // void rd_kafka_message_destroy(rd_kafka_message_t *rkmessage);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_message_destroy")]
    internal static partial void MessageDestroy(Message* message);

    // int64_t rd_kafka_message_timestamp(const rd_kafka_message_t *rkmessage, rd_kafka_timestamp_type_t *tstype);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_message_timestamp")]
    [SuppressGCTransition]
    internal static partial long MessageTimestamp(Message* message, int* timestampType);

    // const char *rd_kafka_topic_name(const rd_kafka_topic_t *rkt);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_topic_name")]
    [SuppressGCTransition]
    internal static partial byte* TopicName(nint rkt);

    // const char *rd_kafka_message_errstr(const rd_kafka_message_t *rkmessage);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_message_errstr")]
    internal static partial byte* MessageErrorString(Message* message);

    // rd_kafka_resp_err_t rd_kafka_fatal_error(rd_kafka_t *rk, char *errstr, size_t errstr_size);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_fatal_error")]
    internal static partial int FatalError(nint rk, byte* errstr, nuint size);

    // rd_kafka_resp_err_t rd_kafka_message_headers(const rd_kafka_message_t *rkmessage, rd_kafka_headers_t **hdrsp);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_message_headers")]
    [SuppressGCTransition]
    internal static partial int MessageHeaders(Message* message, nint* headers);

    // rd_kafka_resp_err_t rd_kafka_header_get_all(const rd_kafka_headers_t *hdrs, size_t idx,
    //                                             const char **namep, const void **valuep, size_t *sizep);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_header_get_all")]
    [SuppressGCTransition]
    internal static partial int HeaderGetAll(nint headers, nuint index, byte** name, byte** value, nuint* size);

    /// <summary><c>rd_kafka_message_t</c>: public and stable since librdkafka 0.9.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Message
    {
        public int Err;
        public nint Topic;
        public int Partition;
        public byte* Payload;
        public nuint Length;
        public byte* Key;
        public nuint KeyLength;
        public long Offset;
        public nint Private;
    }

    /// <summary>A NUL-terminated string librdkafka owns, as a span over its bytes.</summary>
    internal static ReadOnlySpan<byte> Utf8(byte* text) => MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);

    /// <summary>A NUL-terminated string librdkafka owns, copied.</summary>
    internal static string String(byte* text) => text is null ? string.Empty : System.Text.Encoding.UTF8.GetString(Utf8(text));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ReadOnlySpan<byte> Bytes(byte* data, nuint length) => data is null ? default : new ReadOnlySpan<byte>(data, checked((int)length));
}
