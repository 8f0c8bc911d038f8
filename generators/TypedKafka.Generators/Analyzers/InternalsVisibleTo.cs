using System.Runtime.CompilerServices;

// The code fixes share the analyzers' ids and property keys; the tests check descriptors and helpers directly.
[assembly: InternalsVisibleTo("TypedKafka.CodeFixes")]
[assembly: InternalsVisibleTo("TypedKafka.Analyzers.Tests")]
