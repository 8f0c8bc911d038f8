// MicroBatchToDuckDb: page views read in timestamp order across partitions, cut into one-minute
// event-time windows by a hosted consumer, each window written as a Parquet file and loaded into
// DuckDB as it closes. Run it twice: the table, and what it prints, stay the same.
//   dotnet run --project samples/MicroBatchToDuckDb                                  (an embedded cluster)
//   dotnet run --project samples/MicroBatchToDuckDb -- --bootstrap-servers HOST:PORT (your cluster)
using System.CommandLine;
using System.Globalization;
using DuckDB.NET.Data;
using MicroBatchToDuckDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedKafka.Testing;

var bootstrapOption = new Option<string?>("--bootstrap-servers") { Description = "Use this Kafka cluster instead of an embedded one." };
var outOption = new Option<string>("--out-dir")
{
    Description = "Where the window files and the DuckDB database go.",
    DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "typedkafka-microbatch"),
};
var root = new RootCommand("TypedKafka micro-batches: one-minute windows, as Parquet files, loaded into DuckDB.") { bootstrapOption, outOption };
root.SetAction((parse, _) => Run(parse.GetValue(bootstrapOption), parse.GetRequiredValue(outOption)));
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

static async Task<int> Run(string? bootstrapServers, string outDir)
{
    using var embedded = bootstrapServers is null ? new LocalKafkaCluster() : null;
    var cluster = embedded is null ? SampleCluster.Remote(bootstrapServers!) : SampleCluster.Embedded(embedded);
    var views = PageViews.Generate();
    var topic = cluster.CreateTopic("page-views", PageViews.Partitions);
    cluster.Produce(topic, views);
    Console.WriteLine($"Produced {views.Count:N0} page views to {(embedded is null ? topic : "an embedded cluster")}, {PageViews.Partitions} partitions, " +
        $"{Time(views.Min(v => v.TimestampMs))} to {Time(views.Max(v => v.TimestampMs))} UTC");

    var database = Path.Combine(outDir, "page_views.duckdb");
    Directory.CreateDirectory(outDir);
    using var duckDb = new DuckDBConnection($"Data Source={database}");
    duckDb.Open();
    var table = new WindowTable(duckDb, "page_views");
    var progress = new LoadProgress(Path.Combine(outDir, "windows"), views.Count);

    // appsettings.json: the consumer, its one-minute windows and the log levels; the cluster and topic come from here.
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration["TypedKafka:BootstrapServers"] = cluster.BootstrapServers;
    builder.Configuration["TypedKafka:Consumers:page-views:Topics:0"] = $"{topic}:earliest";
    builder.Services.AddSingleton(table).AddSingleton(progress);
    builder.Services
        .AddTypedKafka(builder.Configuration.GetSection("TypedKafka"))
        .AddWindowedConsumer<PageView, DuckDbLoader>("page-views");

    Console.WriteLine("Windows, loaded as they close:");
    using (var host = builder.Build())
    {
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        await host.StartAsync().ConfigureAwait(false);
        await Task.WhenAny(progress.AllLoaded, Task.Delay(Timeout.Infinite, stopping)).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
    }

    if (!progress.AllLoaded.IsCompleted)
    {
        Console.Error.WriteLine("The consumer stopped before every page view was loaded.");
        return 1;
    }

    Console.WriteLine();
    Console.WriteLine("From SQL: SELECT window_start, count(*) FROM page_views GROUP BY window_start ORDER BY window_start");
    var counts = table.CountsByWindow();
    foreach (var (windowStart, rows) in counts)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {windowStart:yyyy-MM-dd HH:mm:ss}  {rows,5:N0}"));
    }

    var total = counts.Sum(c => c.Rows);
    Console.WriteLine($"{counts.Count} windows, {total:N0} rows in page_views ({views.Count:N0} produced)");
    Console.WriteLine($"Parquet files: {progress.WindowDirectory}");
    Console.WriteLine($"DuckDB database: {database}");
    return total == views.Count ? 0 : 1;
}

static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
