using Apache.Arrow;

namespace TypedKafka.Hosting;

/// <summary>
/// Handles the batches of one consumer registered with <see cref="TypedKafkaBuilder.AddConsumer{T, THandler}(string)"/>.
/// Batches arrive one at a time, in timestamp order; the next poll waits until the returned task completes.
/// </summary>
/// <typeparam name="T">A [KafkaMessage] type.</typeparam>
public interface IBatchHandler<T>
    where T : IArrowMessage<T>
{
    /// <summary>Handles one non-empty batch. The batch is disposed after the returned task completes: do not keep it.</summary>
    /// <param name="batch">The decoded messages.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out; a graceful stop lets the batch finish.</param>
    ValueTask HandleAsync(TypedBatch<T> batch, CancellationToken cancellationToken);
}

/// <summary>
/// Handles the raw batches (<see cref="Schemas.Message"/>) of one consumer registered with
/// <see cref="TypedKafkaBuilder.AddConsumer{THandler}(string)"/>.
/// </summary>
public interface IBatchHandler
{
    /// <summary>Handles one non-empty batch. The batch is disposed after the returned task completes: do not keep it.</summary>
    /// <param name="batch">Messages of <see cref="Schemas.Message"/>, in timestamp order.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out; a graceful stop lets the batch finish.</param>
    ValueTask HandleAsync(RecordBatch batch, CancellationToken cancellationToken);
}
