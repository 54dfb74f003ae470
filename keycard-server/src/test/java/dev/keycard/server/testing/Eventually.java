package dev.keycard.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread or process brings about (a revocation reaching an API, a
 * change reaching a node): the condition is polled every 20 ms until it holds or the time is up.
 * What the time says is the behaviour under test ("within 2 s"), not how fast the machine is.
 */
public final class Eventually {

    private Eventually() {
    }

    /** Whether {@code condition} held within {@code limit}. */
    public static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
