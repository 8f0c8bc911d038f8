using System.Text;

namespace TypedKafka.Generators.Messages;

/// <summary>
/// The naming policies of <c>KafkaNamingPolicy</c>, applied at compile time. Word boundaries as
/// System.Text.Json draws them: before an upper-case letter that follows a lower-case letter or
/// digit, and before the last upper-case letter of a run that a lower-case letter follows
/// (<c>XMLHttpRequest</c> is <c>xml_http_request</c>).
/// </summary>
internal static class NamingPolicy
{
    // The values of TypedKafka.KafkaNamingPolicy.
    public const int AsDeclared = 0;
    public const int CamelCase = 1;
    public const int SnakeCaseLower = 2;
    public const int SnakeCaseUpper = 3;
    public const int KebabCaseLower = 4;
    public const int KebabCaseUpper = 5;

    public static string Apply(int policy, string name) => policy switch
    {
        CamelCase => ToCamelCase(name),
        SnakeCaseLower => Separate(name, '_', upper: false),
        SnakeCaseUpper => Separate(name, '_', upper: true),
        KebabCaseLower => Separate(name, '-', upper: false),
        KebabCaseUpper => Separate(name, '-', upper: true),
        _ => name,
    };

    /// <summary>As System.Text.Json's camelCase: the leading run of upper-case letters is lowered, except the last one when a lower-case letter follows it.</summary>
    private static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    private static string Separate(string name, char separator, bool upper)
    {
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_' || c == '-' || c == ' ')
            {
                if (result.Length > 0 && result[result.Length - 1] != separator)
                {
                    result.Append(separator);
                }

                continue;
            }

            if (char.IsUpper(c) && i > 0 && result.Length > 0 && result[result.Length - 1] != separator)
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                {
                    result.Append(separator);
                }
            }

            result.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return result.ToString();
    }
}
