package dev.keycard.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.1 connection whose request headers are not complete {@code millis} after their
 * first byte arrived ({@code http.header-timeout}), against a client that sends its headers a byte
 * at a time to hold connections open (Slowloris). Without it only {@code http.idle-timeout} bounds
 * them, and that is the time a keep-alive connection may wait between requests, which operators
 * raise. Vert.x has no header deadline, so two small Netty handlers around its request decoder
 * keep one: one sees the bytes, one sees the decoded request. A read that ends a request (headers
 * and body) arms nothing, so a keep-alive connection waiting for its next request is left to the
 * idle timeout, and a request that arrives in one read, the usual case, never touches a timer.
 */
final class HeaderDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
    private static final String DECODER = "httpDecoder";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private HeaderDeadline() {
    }

    /**
     * Watches {@code connection}'s requests; called as it opens, on its event loop.
     *
     * @param headerMillis how long a request's headers may take from their first byte
     * @param bodyMillis how long its body may take after the headers, on any route: a route that
     *     reads the body answers 408 by then itself ({@link BodyReader}); this closes a connection
     *     whose body a route did not read (a 404, a GET with a body) and that trickles on
     */
    static void install(HttpConnection connection, long headerMillis, long bodyMillis) {
        ChannelPipeline pipeline = connection instanceof ConnectionBase base ? base.channel().pipeline() : null;
        if (pipeline == null || pipeline.get(DECODER) == null) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("http.header-timeout is not enforced: the HTTP runtime's pipeline has no '{}'", DECODER);
            }
            return;
        }
        Watch watch = new Watch(headerMillis, bodyMillis);
        pipeline.addBefore(DECODER, "keycard-header-bytes", watch);
        pipeline.addAfter(DECODER, "keycard-header-requests", watch.requests);
    }

    /** Per connection; every method runs on the connection's event loop. */
    private static final class Watch extends ChannelInboundHandlerAdapter {
        private final long headerMillis;
        private final long bodyMillis;
        final Requests requests = new Requests();
        /** Between requests: the next byte starts a request's headers. Else in a request's body. */
        private boolean awaitingHeaders = true;
        /** Whether the read being decoded ended a request. */
        private boolean ended;
        private @Nullable ScheduledFuture<?> deadline;

        Watch(long headerMillis, long bodyMillis) {
            this.headerMillis = headerMillis;
            this.bodyMillis = bodyMillis;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            boolean bytes = msg instanceof ByteBuf b && b.isReadable();
            ended = false;
            ctx.fireChannelRead(msg); // decodes synchronously: requests below learn of each request now
            if (deadline != null || !ctx.channel().isActive()) {
                return;
            }
            if (bytes && awaitingHeaders && !ended) {
                arm(ctx, headerMillis, true);
            } else if (!awaitingHeaders) {
                arm(ctx, bodyMillis, false); // headers in, body still coming
            }
        }

        private void arm(ChannelHandlerContext ctx, long millis, boolean headers) {
            deadline = ctx.executor().schedule(() -> {
                if (deadline != null && awaitingHeaders == headers) {
                    LOG.debug("closing a connection from {}: request {} incomplete after {} ms",
                            ctx.channel().remoteAddress(), headers ? "headers" : "body", millis);
                    ctx.close();
                }
            }, millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        /** After the decoder: sees where requests start (headers complete) and end. */
        final class Requests extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest) {
                    awaitingHeaders = false;
                    cancel();
                }
                if (msg instanceof LastHttpContent) {
                    awaitingHeaders = true;
                    ended = true;
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }
        }
    }
}
