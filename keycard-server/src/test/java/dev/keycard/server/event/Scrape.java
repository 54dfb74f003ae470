package dev.keycard.server.event;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Samples read from the Prometheus text format, by name and labels, whatever their order. */
record Scrape(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static Scrape parse(String text) {
        return new Scrape(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(Scrape::sample).toList());
    }

    /** The value of the sample with exactly these labels, or 0 when there is none (a counter not yet used). */
    double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .mapToDouble(Sample::value).findFirst().orElse(0);
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        if (brace < 0 || brace > space) {
            return new Sample(line.substring(0, space), Map.of(), Double.parseDouble(line.substring(space + 1)));
        }
        Map<String, String> labels = new HashMap<>();
        int i = brace + 1;
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(key, value.toString());
            i = line.charAt(j + 1) == ',' ? j + 2 : j + 1;
        }
        String rest = line.substring(i + 1).trim();
        return new Sample(line.substring(0, brace), labels, Double.parseDouble(rest.split(" ")[0]));
    }
}
