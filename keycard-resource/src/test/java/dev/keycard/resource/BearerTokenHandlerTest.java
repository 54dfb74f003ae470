package dev.keycard.resource;

import dev.keycard.resource.vertx.BearerTokenHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import java.util.function.BiConsumer;

/** The Vert.x handler on a real Vert.x server, one protected handler per path. */
class BearerTokenHandlerTest extends BearerAdapterContract {

    private Vertx vertx;

    @Override
    protected URI start(AccessTokenVerifier verifier, List<String> proxies, URI publicOrigin) throws Exception {
        vertx = Vertx.vertx();
        BearerTokenHandler bearer = BearerTokenHandler.create(verifier).clientCertificateFromProxies(proxies);
        if (publicOrigin != null) {
            bearer = bearer.publicOrigin(publicOrigin);
        }
        BiConsumer<HttpServerRequest, VerifiedToken> ok = (req, token) -> req.response().end("client=" + token.clientId());
        Handler<HttpServerRequest> list = bearer.requireScopes(List.of("jobs:read"), ok);
        Handler<HttpServerRequest> complete = bearer.requireScopes(List.of("jobs:write"), ok);
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (req.method() == HttpMethod.POST) {
                complete.handle(req);
            } else {
                list.handle(req);
            }
        }).listen(0, "127.0.0.1").await();
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    @Override
    protected void stop() {
        vertx.close().await();
    }
}
