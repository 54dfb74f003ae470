package dev.keycard.demo;

import dev.keycard.server.log.Logging;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./keycard demo}: Service A calls Service B, which checks scopes. */
@Command(name = "keycard demo", mixinStandardHelpOptions = true,
        description = "Starts Keycard on a temporary store, registers a jobs API and two clients, and runs "
                + "Service A (batch-worker) against Service B (jobs-api). Exits 0 only when every expected outcome happened.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--cycles", description = "How many batch-worker cycles to run (default: ${DEFAULT-VALUE}).")
    int cycles = 3;

    @Option(names = "--interval", description = "Time between cycles, ISO-8601 or like 2s, 15m (default: 2s; "
            + "the worker's own default is 15m).")
    String interval = "2s";

    public static void main(String[] args) {
        Logging.quiet(); // the demo tells its own story; the server's records only when something goes wrong
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration every = parse(interval);
        if (cycles < 1 || every.toSeconds() < 1) {
            System.err.println("keycard demo: --cycles must be at least 1 and --interval at least 1s");
            return 2;
        }
        return new Demo(cycles, every, System.out).run() ? 0 : 1;
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text);
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("interval must end in s, m or h: " + text);
        };
    }
}
