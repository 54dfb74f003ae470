package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: keys and registry are loaded
 * and the store answers now, checked off the event loop.
 */
final class HealthRoutes {

    private final Vertx vertx;
    private final BooleanSupplier loaded;
    private final BooleanSupplier storeAnswers;

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
        vertx.executeBlocking(storeAnswers::getAsBoolean, false).onComplete(r -> {
            if (r.succeeded() && r.result()) {
                Responses.noStoreJson(request, 200, "{\"status\":\"UP\"}");
            } else {
                Responses.noStoreJson(request, 503, "{\"status\":\"DOWN\",\"reason\":\"store does not answer\"}");
            }
        });
    }
}
