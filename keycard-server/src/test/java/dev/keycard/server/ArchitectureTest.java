package dev.keycard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages form a one-way graph, in the order docs/architecture.md gives: each
 * package uses only packages below it, so there is no cycle. Vert.x, the web framework, is used
 * by the http package alone (the command line may use its JSON values, nothing else). No code
 * outside keycard-resource and keycard-client reaches into their {@code internal} packages.
 * The test reads the sources: imports and fully qualified names, comments left out.
 */
class ArchitectureTest {

    /** Top to bottom; packages on one line are peers that do not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("cli"),
            List.of(""), // dev.keycard.server itself: KeycardServer wires everything
            List.of("http"),
            List.of("console"),
            List.of("admin"),
            List.of("introspect"),
            List.of("revoke"),
            List.of("token"),
            List.of("client"),
            List.of("issue"),
            List.of("keys"),
            List.of("store"),
            List.of("registry"),
            List.of("event"),
            List.of("config"),
            List.of("api", "log"));

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SERVER = ROOT.resolve("keycard-server/src/main/java/dev/keycard/server");
    private static final Pattern SERVER_REFERENCE =
            Pattern.compile("\\bdev\\.keycard\\.server\\.([a-z]+)\\.[A-Za-z]");
    private static final Pattern VERTX = Pattern.compile("^import\\s+(static\\s+)?io\\.vertx\\.([a-z.]+)\\.",
            Pattern.MULTILINE);
    private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.keycard\\.(resource|client)\\.internal\\b");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern EXPORTS = Pattern.compile("\\bexports\\s+([a-z.]+)\\s*(to\\b[^;]*)?;");
    private static final Pattern OPENS = Pattern.compile("\\bopens\\b|^\\s*open\\s+module\\b", Pattern.MULTILINE);
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    @Test
    void everyPackageUsesOnlyPackagesBelowIt() throws IOException {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String p : LAYERS.get(i)) {
                rank.put(p, i);
            }
        }
        Map<String, Set<String>> uses = packageGraph();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            String from = e.getKey();
            if (!rank.containsKey(from)) {
                wrong.add("package '" + from + "' has no place in ArchitectureTest.LAYERS (and docs/architecture.md)");
                continue;
            }
            for (String to : e.getValue()) {
                if (!rank.containsKey(to)) {
                    wrong.add("package '" + to + "' has no place in ArchitectureTest.LAYERS");
                } else if (rank.get(to) <= rank.get(from)) {
                    wrong.add(name(from) + " uses " + name(to) + ", which is not below it");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        List<List<String>> cycles = cycles(packageGraph());
        assertEquals(List.of(), cycles, "package cycles");
    }

    @Test
    void onlyTheHttpPackageImportsVertxAndTheCommandLineOnlyItsJson() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : sources(SERVER)) {
            String pkg = packageOf(file);
            Matcher m = VERTX.matcher(Files.readString(file));
            while (m.find()) {
                String imported = "io.vertx." + m.group(2);
                boolean allowed = pkg.equals("http") || (pkg.equals("cli") && imported.equals("io.vertx.core.json"));
                if (!allowed) {
                    wrong.add(SERVER.relativize(file) + " imports " + imported);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void noModuleReachesIntoTheLibrariesInternalPackages() throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("keycard-")).toList()) {
                Path main = module.resolve("src/main/java");
                if (!Files.isDirectory(main)) {
                    continue;
                }
                for (Path file : sources(main)) {
                    Matcher m = INTERNAL.matcher(code(Files.readString(file)));
                    while (m.find()) {
                        String owner = "keycard-" + m.group(1);
                        if (!module.getFileName().toString().equals(owner)) {
                            wrong.add(ROOT.relativize(file) + " uses " + m.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theLibrariesModulesExportTheirApiPackagesOnly() throws IOException {
        Map<String, Set<String>> expected = Map.of(
                "keycard-protocol", Set.of("dev.keycard.protocol"),
                "keycard-client", Set.of("dev.keycard.client"),
                "keycard-resource", Set.of("dev.keycard.resource", "dev.keycard.resource.servlet",
                        "dev.keycard.resource.vertx"));
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            // The source, not the built descriptor: the reactor may build a library after this module.
            Path descriptor = ROOT.resolve(e.getKey()).resolve("src/main/java/module-info.java");
            assertTrue(Files.isRegularFile(descriptor), "declared: " + descriptor);
            String module = code(Files.readString(descriptor));
            Set<String> exported = new TreeSet<>();
            Matcher m = EXPORTS.matcher(module);
            while (m.find()) {
                exported.add(m.group(1));
                assertTrue(m.group(2) == null, e.getKey() + " exports " + m.group(1) + " to named modules only");
            }
            assertEquals(new TreeSet<>(e.getValue()), exported, e.getKey() + " exports");
            assertTrue(!OPENS.matcher(module).find(), e.getKey() + " opens nothing");
        }
    }

    @Test
    void theCheckFindsACycleWhenThereIsOne() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("token", Set.of("issue"), "issue", Set.of("keys"),
                "keys", Set.of("token"), "api", Set.of()));
        assertEquals(List.of(List.of("issue", "keys", "token")), cycles(graph));
    }

    /** For each server package, the other server packages its sources name. */
    static Map<String, Set<String>> packageGraph() throws IOException {
        assertTrue(Files.isDirectory(SERVER), "the server's sources at " + SERVER);
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path file : sources(SERVER)) {
            String from = packageOf(file);
            Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = SERVER_REFERENCE.matcher(code(Files.readString(file)));
            while (m.find()) {
                String used = m.group(1);
                if (!used.equals(from) && !isTopLevelClass(used)) {
                    to.add(used);
                }
            }
            if (!from.isEmpty() && Pattern.compile("\\bdev\\.keycard\\.server\\.[A-Z]").matcher(code(Files.readString(file)))
                    .find()) {
                to.add(""); // a class of dev.keycard.server itself
            }
        }
        return uses;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, List<String> stack, Set<String> onStack,
                                      List<List<String>> found, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.add(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, graph, index, low, stack, onStack, found, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }

    private static boolean isTopLevelClass(String segment) {
        return Character.isUpperCase(segment.charAt(0));
    }

    /** The source without comments and string literals: what the compiler links. */
    private static String code(String source) {
        return STRINGS.matcher(COMMENTS.matcher(source).replaceAll(" ")).replaceAll("\"\"");
    }

    private static String packageOf(Path file) {
        Path dir = SERVER.relativize(file.getParent());
        return dir.toString().replace('/', '.');
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "dev.keycard.server" : pkg;
    }

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java")
                    && !f.getFileName().toString().equals("module-info.java")).sorted().toList();
        }
    }
}
