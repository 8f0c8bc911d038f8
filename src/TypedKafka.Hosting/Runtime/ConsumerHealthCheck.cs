using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TypedKafka.Hosting.Runtime;

/// <summary>Degraded while starting or replaying (with the replay progress), Healthy when live or complete (Until), Unhealthy after a fatal error or once stopped.</summary>
internal sealed class ConsumerHealthCheck(ConsumerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = Volatile.Read(ref status.ReplayProgress);
        var data = new Dictionary<string, object>
        {
            ["phase"] = status.Phase.ToString(),
            ["replayProgress"] = progress,
            ["heldMessages"] = Volatile.Read(ref status.HeldMessages),
            ["partitions"] = Volatile.Read(ref status.Partitions),
            ["pausedPartitions"] = Volatile.Read(ref status.PausedPartitions),
            ["released"] = status.Released,
        };
        var result = status.Phase switch
        {
            ConsumerPhase.Live => HealthCheckResult.Healthy($"Consumer {status.Name} is live.", data),
            ConsumerPhase.Complete => HealthCheckResult.Healthy($"Consumer {status.Name} is complete: everything before its end (Until) was handled.", data),
            ConsumerPhase.Replaying => HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"Consumer {status.Name} is replaying: {progress:P1} released."), data: data),
            ConsumerPhase.Starting => HealthCheckResult.Degraded($"Consumer {status.Name} is starting.", data: data),
            ConsumerPhase.Failed => new HealthCheckResult(context.Registration.FailureStatus, $"Consumer {status.Name} failed: {status.FailureReason}", data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"Consumer {status.Name} is stopped.", data: data),
        };
        return Task.FromResult(result);
    }
}
