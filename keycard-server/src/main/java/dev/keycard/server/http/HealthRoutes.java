package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: keys and registry are loaded
 * and the store answered within the last second, checked off the event loop.
 */
final class HealthRoutes {

    private final Vertx vertx;
    private final BooleanSupplier loaded;
    private final BooleanSupplier storeAnswers;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile long checkedAt = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
    private volatile boolean storeUp;

    HealthRoutes(Vertx vertx, BooleanSupplier loaded, BooleanSupplier storeAnswers) {
        this.vertx = vertx;
        this.loaded = loaded;
        this.storeAnswers = storeAnswers;
    }

    void live(HttpServerRequest request) {
        if (MetadataRoutes.onlyGet(request)) {
            Responses.noStoreJson(request, 200, "{\"status\":\"UP\"}");
        }
    }

    void ready(HttpServerRequest request) {
        if (!MetadataRoutes.onlyGet(request)) {
            return;
        }
        if (!loaded.getAsBoolean()) {
            Responses.noStoreJson(request, 503, "{\"status\":\"DOWN\",\"reason\":\"starting\"}");
            return;
        }
        // The store is asked at most once a second and by one probe at a time: probes are
        // unauthenticated, and each would otherwise hold a worker and a store connection.
        if (System.nanoTime() - checkedAt < TimeUnit.SECONDS.toNanos(1) || !checking.compareAndSet(false, true)) {
            answer(request, storeUp);
            return;
        }
        vertx.executeBlocking(storeAnswers::getAsBoolean, false).onComplete(r -> {
            storeUp = r.succeeded() && r.result();
            checkedAt = System.nanoTime();
            checking.set(false);
            answer(request, storeUp);
        });
    }

    private static void answer(HttpServerRequest request, boolean up) {
        if (up) {
            Responses.noStoreJson(request, 200, "{\"status\":\"UP\"}");
        } else {
            Responses.noStoreJson(request, 503, "{\"status\":\"DOWN\",\"reason\":\"store does not answer\"}");
        }
    }
}
