package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up cache on the uber-jar this build made (keycard-server is packaged before
 * this module's tests run): {@code bin/prepare-start-cache} makes the cache with a training run,
 * {@code bin/jvm-opts} then loads it, and a server started with those options, told to refuse to
 * start without the cache ({@code -XX:AOTMode=on}), issues a token.
 */
class StartUpCacheTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUILT_JAR = ROOT.resolve("keycard-server/target/keycard.jar");
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    Path dir;

    @Test
    void prepareStartCacheWhenNoneThenTheFirstStartLoadsIt() throws Exception {
        assumeTrue(Files.isRegularFile(BUILT_JAR), "skipped: " + BUILT_JAR + " is not built (run ./test, which packages it)");
        Path jar = Files.copy(BUILT_JAR, dir.resolve("keycard.jar"));
        boolean aot = Runtime.version().feature() >= 25;
        Path cache = dir.resolve(aot ? "keycard.jar.serve.aot" : "keycard.jar.serve.jsa");

        List<String> before = words(run(script("jvm-opts"), JAVA_HOME, jar.toString(), "serve"));
        assertTrue(before.contains(aot ? "-XX:AOTCacheOutput=" + cache : "-XX:SharedArchiveFile=" + cache), before.toString());

        Result training = exec(List.of(script("prepare-start-cache"), JAVA_HOME, jar.toString()));
        assertEquals(0, training.status(), training.output());
        assertTrue(training.output().contains("preparing the start-up cache"), training.output());
        assertFalse(training.output().contains("no start-up cache made"), training.output());
        assertTrue(Files.size(cache) > 0, "the training run wrote " + cache);

        List<String> after = words(run(script("jvm-opts"), JAVA_HOME, jar.toString(), "serve"));
        if (aot) {
            assertTrue(after.contains("-XX:AOTCache=" + cache), after.toString());
        }
        if (Runtime.version().feature() >= 22) {
            assertTrue(after.contains("-XX:TrimNativeHeapInterval=1000"), after.toString());
        }
        Result again = exec(List.of(script("prepare-start-cache"), JAVA_HOME, jar.toString()));
        assertEquals("", again.output(), "a cache that is there is kept, silently");

        List<String> command = new ArrayList<>();
        command.add(Path.of(JAVA_HOME, "bin", "java").toString());
        command.addAll(after);
        if (aot) {
            command.add("-XX:AOTMode=on"); // no start at all when the cache cannot be used
        }
        int port = freePort();
        command.addAll(List.of("-jar", jar.toString(), "serve", "--set", "http.host=127.0.0.1",
                "--set", "http.port=" + port, "--set", "data.dir=" + dir.resolve("data"),
                "--set", "admin.client-id=" + TestServer.ADMIN_ID));
        Process server = start(command, Map.of("KEYCARD_ADMIN_CLIENT_SECRET", TestServer.ADMIN_SECRET), dir.resolve("server.log"));
        try {
            Http http = new Http(URI.create("http://127.0.0.1:" + port));
            int status = 0; // 0 until the server answers
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang guard, not a timing assertion
            while (status == 0 && server.isAlive() && System.nanoTime() < giveUp) {
                try {
                    status = http.token(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET, "grant_type", "client_credentials").statusCode();
                } catch (IllegalStateException notListeningYet) {
                    Thread.sleep(50);
                }
            }
            assertEquals(200, status, "server with the cache: " + Files.readString(dir.resolve("server.log")));
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void jvmOptsWhenExtraOptionsSetThenTheyComeLastAndTheCacheIsKept() throws Exception {
        Path jar = Files.writeString(dir.resolve("keycard.jar"), "not a jar: bin/jvm-opts only names it");
        String cacheOption = Runtime.version().feature() >= 25
                ? "-XX:AOTCacheOutput=" + jar + ".serve.aot" : "-XX:SharedArchiveFile=" + jar + ".serve.jsa";
        List<String> extra = List.of("-Xmn128m", "-Xmx1536m");
        Map<String, String> env = Map.of("KEYCARD_EXTRA_JAVA_OPTS", String.join(" ", extra));

        List<String> added = words(run(env, script("jvm-opts"), JAVA_HOME, jar.toString(), "serve"));
        assertEquals(extra, added.subList(added.size() - 2, added.size()), added.toString());
        assertTrue(added.contains(cacheOption), added.toString());
        assertTrue(added.indexOf("-Xmx256m") < added.indexOf("-Xmx1536m"), "the JVM takes the last -Xmx: " + added);

        Map<String, String> replaced = Map.of("KEYCARD_JAVA_OPTS", "-Xmx512m", "KEYCARD_EXTRA_JAVA_OPTS", "-Xss1m");
        assertEquals(List.of("-Xmx512m", "-Xss1m"), words(run(replaced, script("jvm-opts"), JAVA_HOME, jar.toString(), "serve")));
    }

    private static String script(String name) {
        return ROOT.resolve("bin").resolve(name).toString();
    }

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }

    private String run(String... command) throws Exception {
        return run(Map.of(), command);
    }

    private String run(Map<String, String> env, String... command) throws Exception {
        Result result = exec(List.of(command), env);
        assertEquals(0, result.status(), result.output());
        return result.output();
    }

    private record Result(int status, String output) {}

    private Result exec(List<String> command) throws Exception {
        return exec(command, Map.of());
    }

    private Result exec(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = start(command, env, out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + command);
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** Starts {@code command} in {@link #dir} without the caller's KEYCARD_* settings, output to {@code log}. */
    private Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("KEYCARD_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
