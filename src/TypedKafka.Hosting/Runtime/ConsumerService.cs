using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TypedKafka.Hosting.Runtime;

/// <summary>
/// Runs one consumer: a dedicated thread connects, polls and waits for the handler, batch after
/// batch, so neither the host's start path nor the thread pool is blocked by the consumer.
/// Stopping ends the loop between polls: what the last poll gave is handled (and committed) first,
/// then a windowed consumer hands over its open window.
/// </summary>
internal sealed class ConsumerService(
    string name,
    TypedKafkaConsumerOptions options,
    IServiceScopeFactory scopes,
    Func<IServiceProvider, TypedKafkaConsumerOptions, IConsumerSession> open,
    ConsumerStatus status,
    ConsumerRegistry registry,
    TypedKafkaMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly SecretRedactor _redactor = new(ConsumerSources.Settings(options));
    private Thread? _thread;
    private bool _complete;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TypedKafkaMetrics.ProcessTags? _processTags;

    /// <summary>The process exit code a fatal consumer error leaves (Environment.ExitCode), unless the application set one.</summary>
    public const int FailureExitCode = 1;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        status.Phase = ConsumerPhase.Starting;
        _thread = new Thread(Run) { IsBackground = true, Name = $"TypedKafka consumer {name}" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_thread is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        // The host's shutdown timeout: the handler is told to give up on the batch in hand.
        using var registration = cancellationToken.Register(() => _abort.Cancel());
        await _finished.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _abort.Dispose();
    }

    private void Run()
    {
        try
        {
            var settings = ConsumerSources.Settings(options);
            Log.Starting(logger, name, string.Join(", ", options.Topics), SecretRedactor.Describe(settings));
            _processTags = new TypedKafkaMetrics.ProcessTags(name, settings, options.Topics);
            using var scope = scopes.CreateScope();
            // The handler comes from the scope, which lives as long as the consumer.
            using var session = open(scope.ServiceProvider, options);
            var stopped = Consume(session);
            if (stopped && _complete)
            {
                Log.Complete(logger, name, status.Released);
                if (registry.Complete(status))
                {
                    // A bounded job: the host has nothing left to do once every consumer is done.
                    Log.AllComplete(logger);
                    lifetime.StopApplication();
                }
            }
            else
            {
                status.Phase = stopped ? ConsumerPhase.Stopped : ConsumerPhase.Failed;
                if (stopped)
                {
                    Log.Stopped(logger, name, status.Released);
                }
            }
        }
        catch (Exception e)
        {
            Fail(e.Message);
            Log.ConsumerFailed(logger, _redactor.Scrub(e), name);
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    /// <summary>Polls and handles until stopped or complete (true) or a handler gives up (false).</summary>
    private bool Consume(IConsumerSession session)
    {
        var wasLive = false;
        while (!_stopping.IsCancellationRequested && !_complete)
        {
            var deliveries = session.Poll(options.PollTimeout);
            try
            {
                using (var state = session.PartitionState())
                {
                    var (nowIdle, back) = status.Update(state, session.IsLive, session.PausedPartitionCount);
                    nowIdle.ForEach(p => Log.PartitionIdle(logger, name, p));
                    back.ForEach(p => Log.PartitionBack(logger, name, p));
                }

                foreach (var delivery in deliveries)
                {
                    switch (Handle(delivery))
                    {
                        case Outcome.Failed:
                            return false;
                        case Outcome.Abandoned:
                            return true;
                    }

                    Handled(delivery);
                    if (options.CommitHandled)
                    {
                        session.Commit(delivery);
                    }
                }
            }
            finally
            {
                DisposeAll(deliveries);
            }

            if (!wasLive && session.IsLive)
            {
                wasLive = true;
                Log.Live(logger, name, status.Released);
            }

            // Everything before the end was released, and handled above.
            _complete = session.IsComplete;
        }

        // Stopping or complete: what is still held open (a window) is handed over as it stands, and
        // not committed, so that after a restart it is read again and handed over whole.
        var rest = session.Close();
        try
        {
            foreach (var delivery in rest)
            {
                var outcome = Handle(delivery);
                if (outcome != Outcome.Handled)
                {
                    return outcome == Outcome.Abandoned;
                }

                Handled(delivery);
            }
        }
        finally
        {
            DisposeAll(rest);
        }

        return true;
    }

    private void Handled(IDelivery delivery)
    {
        metrics.Released(status, delivery.RowCount);
        if (delivery.Window is { } window)
        {
            metrics.WindowHandled(status, window.LateRows);
        }
    }

    private static void DisposeAll(IReadOnlyList<IDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            delivery.Dispose();
        }
    }

    private Outcome Handle(IDelivery delivery)
    {
        var policy = options.OnHandlerError;
        var maxAttempts = policy.Policy == HandlerErrorPolicy.Retry ? policy.MaxAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            var processing = TypedKafkaMetrics.StartProcessing(_processTags!, delivery);
            try
            {
                // The poll thread is ours alone, so waiting here blocks nothing else.
                delivery.HandleAsync(_abort.Token).AsTask().GetAwaiter().GetResult();
                metrics.EndProcessing(_processTags!, processing);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    Log.Handled(logger, name, delivery.Describe());
                }

                return Outcome.Handled;
            }
            catch (Exception e)
            {
                metrics.EndProcessing(_processTags!, processing, e, _redactor.Scrub(e.Message));
                metrics.HandlerError(status);
                var description = delivery.Describe();
                if (attempt >= maxAttempts)
                {
                    Fail($"handler failed for {description}: {_redactor.Scrub(e.Message)}");
                    Log.HandlerFailed(logger, _redactor.Scrub(e), name, description, attempt);
                    return Outcome.Failed;
                }

                var delay = Backoff(policy, attempt);
                Log.HandlerRetrying(logger, _redactor.Scrub(e), name, attempt, maxAttempts, description, delay);
                if (_stopping.Token.WaitHandle.WaitOne(delay))
                {
                    Log.AbandonedRetry(logger, name, description);
                    return Outcome.Abandoned;
                }
            }
        }
    }

    private static TimeSpan Backoff(HandlerErrorOptions policy, int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(policy.InitialDelay.Ticks * factor, policy.MaxDelay.Ticks));
    }

    private enum Outcome
    {
        Handled,
        Failed,

        /// <summary>The host stopped while a retry waited: neither handled nor committed.</summary>
        Abandoned,
    }

    private void Fail(string reason)
    {
        status.FailureReason = _redactor.Scrub(reason);
        status.Phase = ConsumerPhase.Failed;

        // The host stops and RunAsync returns normally, so without this the process would exit 0 and a
        // supervisor (systemd, Kubernetes, a job scheduler) would take the failure for a clean stop.
        if (Environment.ExitCode == 0)
        {
            Environment.ExitCode = FailureExitCode;
        }

        lifetime.StopApplication();
    }
}
