using System.Globalization;

namespace TypedKafka.Cli.Output;

internal static class TimeText
{
    /// <summary>UTC with milliseconds, Kafka's precision; fixed width, so that text sorts as time does.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
