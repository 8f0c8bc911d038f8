using Spectre.Console;
using TypedKafka.Cli;

return await TypedKafkaCommand.Create(AnsiConsole.Console, Console.Out, Console.Error).Parse(args).InvokeAsync();
