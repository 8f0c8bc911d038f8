using TypedKafka.Windows;

namespace TypedKafka.Hosting;

/// <summary>
/// Handles the closed windows of one consumer registered with
/// <see cref="TypedKafkaBuilder.AddWindowedConsumer{T, THandler}(string)"/>. Windows arrive one at
/// a time, in order of their start; the next poll waits until the returned task completes.
/// </summary>
/// <typeparam name="T">A [KafkaMessage] type.</typeparam>
public interface IWindowHandler<T>
    where T : IArrowMessage<T>
{
    /// <summary>
    /// Handles one window. Its rows are freed after the returned task completes: do not keep them.
    /// A window handed over because the host is stopping (<see cref="WindowCloseReason.Completed"/>)
    /// may lack rows; it is not committed, so after a restart it is built and handed over again, whole.
    /// </summary>
    /// <param name="window">The window's bounds and rows.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out; a graceful stop lets the window finish.</param>
    ValueTask HandleAsync(TypedWindow<T> window, CancellationToken cancellationToken);
}

/// <summary>
/// Handles the closed windows of raw <see cref="Schemas.Message"/> rows of one consumer registered with
/// <see cref="TypedKafkaBuilder.AddWindowedConsumer{THandler}(string)"/>.
/// </summary>
public interface IWindowHandler
{
    /// <summary>Handles one window; the host disposes it after the returned task completes. See <see cref="IWindowHandler{T}.HandleAsync"/>.</summary>
    /// <param name="window">The window's bounds and rows, of <see cref="Schemas.Message"/>.</param>
    /// <param name="cancellationToken">Cancelled only when the host's shutdown timeout runs out; a graceful stop lets the window finish.</param>
    ValueTask HandleAsync(ClosedWindow window, CancellationToken cancellationToken);
}
