package dev.keycard.server.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records items in groups on one writer thread, so that under load one commit (a store
 * transaction, a file flush) serves every request waiting, not one each; a request is answered
 * when its group is durable. A request whose item is not recorded within {@code wait} fails with
 * a {@link TimeoutException} (one sweeper for all of them, not a timer each); the item may still
 * be recorded later. The threads start with the first item: a server that never needs them runs
 * none.
 *
 * <p>A {@code pace} gathers larger groups under load: when the last commit took more than one
 * item, the next waits, up to {@code pace} from the last one's start, until as many items as the
 * last one took are there, so that a commit's fixed cost (a flush, a round trip) is shared by more
 * requests and the groups grow while requests keep coming. A request on its own waits for no
 * pace, and a few clients calling in turn wait only for each other (looked for every 250 µs),
 * not for the pace.
 *
 * @param <T> what is recorded
 */
final class GroupCommit<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** How often requests whose item is not recorded in time are told so. */
    static final long SWEEP_MILLIS = 100;
    /**
     * How often a writer waiting for its pace looks whether enough items are there. The requests
     * that add items do not wake it: on two cores, a wake per group cost more than it saved (the
     * writer, woken at once, took groups no larger than the last).
     */
    private static final long LOOK_NANOS = 250_000;

    /** Where a group goes. */
    @FunctionalInterface
    interface Sink<T> {
        /** @return for each item, in order, whether it was recorded as new */
        boolean[] record(List<T> items) throws Exception;
    }

    /** An item waiting, and the instant ({@link System#nanoTime()}) its request stops waiting. */
    private record Pending<T>(T item, CompletableFuture<Boolean> done, long deadline) {
    }

    private final String name;
    private final Sink<T> sink;
    private final Duration wait;
    private final int maxBatch;
    private final long paceNanos;
    private final BlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
    private @Nullable Thread writer;
    private @Nullable ScheduledExecutorService sweeper;
    /** The group being recorded now, for the sweeper. */
    private volatile List<Pending<T>> recording = List.of();
    private volatile boolean closed;

    /** @param name the writer thread's name; the sweeper's adds {@code -timeout} */
    GroupCommit(String name, Sink<T> sink, Duration wait, int maxBatch) {
        this(name, sink, wait, maxBatch, Duration.ZERO);
    }

    /**
     * @param name the writer thread's name; the sweeper's adds {@code -timeout}
     * @param pace the longest a commit waits, from the last one's start, for as many items as that
     *     one held (zero: it never waits)
     */
    GroupCommit(String name, Sink<T> sink, Duration wait, int maxBatch, Duration pace) {
        this.name = name;
        this.sink = sink;
        this.wait = wait;
        this.maxBatch = maxBatch;
        this.paceNanos = pace.toNanos();
    }

    Duration waitLimit() {
        return wait;
    }

    /**
     * @return completes with what the sink said of the item; fails with a {@link TimeoutException}
     *     when it was not recorded within the wait, with the sink's failure otherwise, and with an
     *     {@link IllegalStateException} once closed
     */
    CompletableFuture<Boolean> submit(T item) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        start();
        Pending<T> pending = new Pending<>(item, done, System.nanoTime() + wait.toNanos());
        if (closed || !queue.offer(pending)) {
            return CompletableFuture.failedFuture(new IllegalStateException("the server is stopping"));
        }
        if (closed && queue.remove(pending)) {
            // Closed while it went in, and close() may have drained the queue already: nobody else answers it.
            done.completeExceptionally(new IllegalStateException("the server is stopping"));
        }
        return done;
    }

    private synchronized void start() {
        if (writer == null && !closed) {
            writer = Thread.ofPlatform().daemon().name(name).start(this::write);
            sweeper = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name(name + "-timeout").factory());
            sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Fails every waiting request past its deadline, queued or being recorded (a later commit changes nothing). */
    private void sweep() {
        long now = System.nanoTime();
        for (List<Pending<T>> pendings : List.of(List.copyOf(queue), recording)) {
            for (Pending<T> p : pendings) {
                if (now - p.deadline() > 0) {
                    p.done().completeExceptionally(new TimeoutException());
                }
            }
        }
    }

    private void write() {
        List<Pending<T>> batch = new ArrayList<>(maxBatch);
        long lastStart = System.nanoTime() - paceNanos;
        int lastSize = 0;
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<T> head = queue.poll(1, TimeUnit.SECONDS);
                if (head == null) {
                    continue;
                }
                batch.add(head);
                if (paceNanos > 0 && lastSize > 1) {
                    awaitPace(lastStart, lastSize);
                }
                lastStart = System.nanoTime();
                queue.drainTo(batch, maxBatch - 1);
                lastSize = batch.size();
                recording = List.copyOf(batch);
                boolean[] first = sink.record(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(first[i]);
                }
                recording = List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(batch, e);
                return;
            } catch (Exception | Error e) { // an Error too: a writer that died would leave every later request to time out
                LOG.warn("{}: could not record {} item(s); their requests are refused: {}", name, batch.size(),
                        e.toString());
                fail(batch, e instanceof Exception x ? x : new IllegalStateException(e));
                recording = List.of();
            }
            batch.clear();
        }
    }

    /**
     * Waits until {@code pace} has passed since {@code lastStart}, or as many items as the last
     * group held are there (the one taken and those queued), looking every {@link #LOOK_NANOS}.
     */
    private void awaitPace(long lastStart, int lastSize) {
        long until = lastStart + paceNanos;
        for (long left = until - System.nanoTime(); left > 0 && 1 + queue.size() < lastSize && !closed;
                left = until - System.nanoTime()) {
            LockSupport.parkNanos(Math.min(left, LOOK_NANOS));
        }
    }

    private static <T> void fail(List<Pending<T>> batch, Exception e) {
        batch.forEach(p -> p.done().completeExceptionally(e));
    }

    /** Records what is queued (for up to 5 s), then fails whatever is left. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = writer;
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
        }
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Pending<T>> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new IllegalStateException("stopped"));
    }
}
