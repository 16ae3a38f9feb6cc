package dev.mnemo.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command lines of Mnemo's ingest tools: {@code --name value} or {@code --name=value} options
 * from a fixed list, and, where a tool takes them, plain arguments (file names).
 *
 * @param options    the options given, by name (with the leading dashes)
 * @param positional the plain arguments, in order
 */
public record CommandLine(Map<String, String> options, List<String> positional) {

    /**
     * @param args           the arguments
     * @param known          the accepted option names, for example {@code --bootstrap}
     * @param takesPositional whether plain arguments are allowed
     * @throws IllegalArgumentException for an unknown option, a missing value or an unexpected plain argument
     */
    public static CommandLine parse(String[] args, List<String> known, boolean takesPositional) {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (takesPositional && !name.startsWith("--")) {
                positional.add(name);
                continue;
            }
            String value;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                value = args[++i];
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name + "; known: " + String.join(", ", known));
            }
            options.put(name, value);
        }
        return new CommandLine(Map.copyOf(options), List.copyOf(positional));
    }
}
