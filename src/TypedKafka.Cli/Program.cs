using Spectre.Console;
using TypedKafka.Cli;

return await TypedKafkaCommand.InvokeAsync(args, AnsiConsole.Console, Console.Out, Console.Error);
