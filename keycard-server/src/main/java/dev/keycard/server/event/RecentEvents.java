package dev.keycard.server.event;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The last {@value #CAPACITY} audit events of each type on this node, kept in memory for the
 * console's audit view: a ring per type, so a flood of one (failed authentications with made-up
 * client ids) cannot push out the others (admin changes, key removals, sign-ins). Written by the
 * audit thread as one more {@link AuditSink}, so a request never waits for it; the audit log stays
 * the full, durable trail (each node writes its own).
 */
public final class RecentEvents implements AuditSink {

    /** Events kept per type: about 300 KB each. */
    public static final int CAPACITY = 1_000;

    private final Map<String, ArrayDeque<Kept>> byType = new TreeMap<>();
    private long written;

    /** An event and its place in the order written: events of one instant stay in order. */
    private record Kept(long seq, AuditEvent event) {
    }

    @Override
    public synchronized void write(List<AuditEvent> batch) {
        for (AuditEvent e : batch) {
            ArrayDeque<Kept> events = byType.computeIfAbsent(e.type(), t -> new ArrayDeque<>());
            if (events.size() == CAPACITY) {
                events.removeFirst();
            }
            events.addLast(new Kept(written++, e));
        }
    }

    /** At most {@code limit} of the events that {@code filter} keeps, newest first. */
    public synchronized List<AuditEvent> newest(Predicate<AuditEvent> filter, int limit) {
        List<Kept> out = new ArrayList<>();
        for (ArrayDeque<Kept> events : byType.values()) {
            int taken = 0;
            for (Iterator<Kept> it = events.descendingIterator(); it.hasNext() && taken < limit; ) {
                Kept k = it.next();
                if (filter.test(k.event())) {
                    out.add(k);
                    taken++;
                }
            }
        }
        out.sort(Comparator.comparingLong(Kept::seq).reversed());
        return out.stream().limit(limit).map(Kept::event).toList();
    }

    /** The types of the events kept, for the view's filter. */
    public synchronized SortedSet<String> types() {
        return new TreeSet<>(byType.keySet());
    }
}
