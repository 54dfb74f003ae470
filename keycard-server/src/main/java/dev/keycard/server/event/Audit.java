package dev.keycard.server.event;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail. {@link #emit} never blocks, so an event loop may call it: events go into a
 * bounded queue, and one background thread hands them to the {@link AuditSink} in batches. When
 * the queue is full (the sink cannot keep up), an event is dropped and counted
 * ({@link #dropped()}, {@code keycard_audit_dropped_total}) rather than slowing a request.
 * {@link #close()} writes what is queued.
 */
public final class Audit implements AutoCloseable {

    /** Events held while the sink is slow: about 3 MB at worst. */
    public static final int DEFAULT_CAPACITY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    private static final int BATCH = 512;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<AuditEvent> queue;
    private final AuditSink sink;
    private final Clock clock;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public Audit(AuditSink sink, Clock clock) {
        this(sink, clock, DEFAULT_CAPACITY);
    }

    Audit(AuditSink sink, Clock clock, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = sink;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("keycard-audit").daemon().unstarted(this::drain);
        writer.start();
    }

    /** Queues an event that happens now; see {@link AuditEvent} for what details may hold. */
    public void emit(String type, @Nullable String clientId, Map<String, Object> details) {
        emit(new AuditEvent(type, clock.instant(), clientId, details));
    }

    /** Queues {@code event}, or drops and counts it when the queue is full or the audit closed. */
    public void emit(AuditEvent event) {
        if (closed || !queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /** Events lost since start: queue full, emitted after close, or refused by the sink. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (true) {
            AuditEvent first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // close() gave up waiting for the sink
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            try {
                sink.write(batch);
            } catch (RuntimeException e) {
                dropped.addAndGet(batch.size());
                LOG.warn("audit sink failed; {} events lost: {}", batch.size(), e.toString());
            }
            batch.clear();
        }
    }

    /** Stops taking events and writes what is queued, waiting for the sink at most 5 seconds. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
            LOG.warn("audit sink did not finish within {}; {} queued events lost", CLOSE_WAIT, queue.size());
        }
        dropped.addAndGet(queue.size());
        queue.clear();
    }
}
