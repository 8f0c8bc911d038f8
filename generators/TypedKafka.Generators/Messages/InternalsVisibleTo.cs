using System.Runtime.CompilerServices;

// The generator tests check the model's equality and the pipeline's tracking names directly.
[assembly: InternalsVisibleTo("TypedKafka.Generators.Tests")]
