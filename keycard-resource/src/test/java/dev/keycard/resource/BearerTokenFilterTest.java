package dev.keycard.resource;

import dev.keycard.resource.servlet.BearerTokenFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The Servlet filter in a real Jetty: the filter guards every path, the servlet checks each path's scope. */
class BearerTokenFilterTest extends BearerAdapterContract {

    private Server jetty;

    @Override
    protected URI start(AccessTokenVerifier verifier, java.util.List<String> proxies, URI publicOrigin) throws Exception {
        jetty = new Server(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServletContextHandler context = new ServletContextHandler();
        BearerTokenFilter filter = BearerTokenFilter.create(verifier).clientCertificateFromProxies(proxies);
        context.addFilter(new FilterHolder(publicOrigin == null ? filter : filter.publicOrigin(publicOrigin)), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new JobsServlet()), "/*");
        jetty.setHandler(context);
        jetty.start();
        return URI.create("http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort());
    }

    @Override
    protected void stop() throws Exception {
        jetty.stop();
    }

    private static final class JobsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String scope = request.getMethod().equals("POST") ? "jobs:write" : "jobs:read";
            if (!BearerTokenFilter.requireScopes(request, response, scope)) {
                return;
            }
            response.setContentType("text/plain");
            response.getWriter().write("client=" + BearerTokenFilter.token(request).orElseThrow().clientId());
        }
    }
}
