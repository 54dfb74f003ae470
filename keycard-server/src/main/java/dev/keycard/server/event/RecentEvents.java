package dev.keycard.server.event;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The last {@value #CAPACITY} audit events of this node, kept in memory for the console's audit
 * view. Written by the audit thread as one more {@link AuditSink}, so a request never waits for
 * it; the audit log stays the full, durable trail (each node writes its own).
 */
public final class RecentEvents implements AuditSink {

    /** Events kept: about 300 KB. */
    public static final int CAPACITY = 1_000;

    private final ArrayDeque<AuditEvent> events = new ArrayDeque<>(CAPACITY);

    @Override
    public synchronized void write(List<AuditEvent> batch) {
        for (AuditEvent e : batch) {
            if (events.size() == CAPACITY) {
                events.removeFirst();
            }
            events.addLast(e);
        }
    }

    /** At most {@code limit} of the events that {@code filter} keeps, newest first. */
    public synchronized List<AuditEvent> newest(Predicate<AuditEvent> filter, int limit) {
        List<AuditEvent> out = new ArrayList<>();
        for (Iterator<AuditEvent> it = events.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            AuditEvent e = it.next();
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The types of the events kept, for the view's filter. */
    public synchronized SortedSet<String> types() {
        SortedSet<String> types = new TreeSet<>();
        events.forEach(e -> types.add(e.type()));
        return types;
    }
}
