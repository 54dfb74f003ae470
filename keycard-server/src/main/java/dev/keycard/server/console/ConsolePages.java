package dev.keycard.server.console;

import static dev.keycard.server.console.Html.segment;
import static dev.keycard.server.console.Html.text;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.admin.ListQuery;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The console's pages, rendered from domain values as complete HTML documents. Plain forms that
 * post and redirect, so every page reads and works without JavaScript; the one script, from the
 * console's own origin, adds the copy button. Every value shown is escaped ({@link Html#text}).
 */
public final class ConsolePages {

    private ConsolePages() {
    }

    /** What every signed-in page carries: the session's CSRF token and who is signed in. */
    public record Frame(String csrf, String adminClientId) {
    }

    /**
     * A form shown again after a refusal: the values entered, and the use case's messages, each
     * next to its field ({@code ""}: about the whole form).
     */
    public record Form(Map<String, String> values, Map<String, String> errors) {
        public static final Form EMPTY = new Form(Map.of(), Map.of());

        String value(String field) {
            return values.getOrDefault(field, "");
        }
    }

    /** 401: no session (signed out, expired, or never signed in). */
    public static String signedOut(String why) {
        return document("Signed out", """
                <main class="narrow">
                <h1>Keycard console</h1>
                <p>%s</p>
                <p>To sign in, run <code>keycard console</code> where the admin credentials are, and open the link it prints within 60 seconds.</p>
                </main>""".formatted(text(why)));
    }

    /**
     * What a sign-in link opens: a button that signs in. Opening the link spends nothing, so a
     * link preview or a mail scanner that fetches it does not use it up; the POST does.
     */
    public static String signInForm(String linkSecret) {
        return document("Sign in", """
                <main class="narrow">
                <h1>Sign in to the Keycard console</h1>
                <form method="post" action="/console/sign-in">
                <input type="hidden" name="token" value="%s">
                <button type="submit" id="sign-in">Sign in</button>
                </form>
                <p class="hint">This link works once, within 60 seconds of when <code>keycard console</code> printed it.</p>
                </main>""".formatted(text(linkSecret)));
    }

    /** How the store answered the overview's probe: its kind, and the time a trivial query took. */
    public record StoreHealth(String kind, boolean answers, double millis) {
    }

    /**
     * The overview: this node's tokens issued and refused per minute over the last hour, its
     * slowest endpoints, the signing keys with the next rotation, and the store's health.
     */
    public static String overview(Frame f, int apis, int clients, List<KeyRing.Entry> keys,
                                  Map<SigningAlg, Instant> nextRotations, Activity.View activity, StoreHealth store) {
        String health = store.answers()
                ? "<p id=\"store\">" + text(store.kind()) + " answers, a trivial query in "
                        + text(String.format(Locale.ROOT, "%.1f", store.millis())) + " ms.</p>"
                : "<p id=\"store\" class=\"warning\" role=\"alert\"><strong>" + text(store.kind())
                        + " does not answer.</strong> Tokens are still issued from memory; changes fail until it is back.</p>";
        return page(f, "Overview", "overview", """
                <h1>Overview</h1>
                <ul class="figures">
                <li><a href="/console/apis"><strong>%d</strong> APIs</a></li>
                <li><a href="/console/clients"><strong>%s</strong> clients</a></li>
                <li><a href="/console/keys"><strong>%d</strong> signing keys</a></li>
                </ul>
                <h2>Tokens</h2>
                %s
                <h2>Slowest endpoints</h2>
                %s
                <h2>Signing keys</h2>
                %s
                %s
                <h2>Store</h2>
                %s""".formatted(apis, String.format(Locale.ROOT, "%,d", clients), keys.size(), tokens(activity), slowest(activity),
                keyTable(keys, Optional.empty()), keys.isEmpty() ? "" : rotations(nextRotations), health));
    }

    private static String tokens(Activity.View a) {
        List<Activity.Minute> minutes = a.minutes();
        long peak = 1;
        for (Activity.Minute m : minutes) {
            peak = Math.max(peak, m.issued() + m.refused());
        }
        // One bar per minute, newest on the right; drawn with SVG attributes, as the CSP allows no inline style.
        StringBuilder bars = new StringBuilder();
        int slots = 61; // an hour's minutes and the running one
        for (int i = 0; i < minutes.size(); i++) {
            Activity.Minute m = minutes.get(i);
            int x = (slots - minutes.size() + i) * 10;
            long issuedHeight = Math.round(100.0 * m.issued() / peak);
            long refusedHeight = Math.round(100.0 * m.refused() / peak);
            bars.append("<rect class=\"issued\" x=\"").append(x).append("\" y=\"").append(100 - issuedHeight)
                    .append("\" width=\"8\" height=\"").append(issuedHeight).append("\"></rect>");
            bars.append("<rect class=\"refused\" x=\"").append(x).append("\" y=\"")
                    .append(100 - issuedHeight - refusedHeight).append("\" width=\"8\" height=\"").append(refusedHeight)
                    .append("\"></rect>");
        }
        StringBuilder rows = new StringBuilder();
        for (int i = minutes.size() - 1; i >= Math.max(0, minutes.size() - 10); i--) {
            Activity.Minute m = minutes.get(i);
            rows.append("<tr><td>").append(when(m.start())).append(i == minutes.size() - 1 ? " (running)" : "")
                    .append("</td><td>").append(m.issued()).append("</td><td>").append(m.refused()).append("</td></tr>\n");
        }
        String summary = a.issued() + " tokens issued and " + a.refused() + " refused by this node since "
                + plain(a.since());
        return """
                <p id="tokens">%s.</p>
                <svg class="chart" viewBox="0 0 610 100" preserveAspectRatio="none" role="img" aria-label="%s"><title>%s</title>%s</svg>
                <p class="hint"><span class="key issued">■</span> issued <span class="key refused">■</span> refused, per minute over the last hour; the last minute is still running.</p>
                %s""".formatted(text(summary), text(summary), text(summary), bars,
                table(List.of("Minute from", "Issued", "Refused"), rows));
    }

    private static String slowest(Activity.View a) {
        StringBuilder rows = new StringBuilder();
        for (Activity.Endpoint e : a.slowest()) {
            rows.append("<tr><td><code>").append(text(e.name())).append("</code></td><td>").append(e.requests())
                    .append("</td><td>").append(millis(e.meanMillis())).append("</td><td>")
                    .append(millis(e.maxMillis())).append("</td></tr>\n");
        }
        return "<p class=\"hint\">Requests to this node in the last " + Activity.ENDPOINT_WINDOW.toMinutes()
                + " minutes, from arrival to the end of the answer (<code>keycard_http_server_requests_seconds</code>).</p>\n"
                + table(List.of("Endpoint", "Requests", "Mean", "Longest"), rows);
    }

    private static String millis(double ms) {
        return text(String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.0f ms", ms));
    }

    private static String rotations(Map<SigningAlg, Instant> next) {
        if (next.isEmpty()) {
            return "<p class=\"hint\">No rotation is scheduled: keys rotate by hand (<code>keys.rotation-period</code> is 0).</p>";
        }
        StringBuilder out = new StringBuilder("<ul id=\"rotations\">");
        next.forEach((alg, at) -> out.append("<li>").append(text(alg.name())).append(": a new key signs from ")
                .append(when(at)).append("</li>"));
        return out.append("</ul>").toString();
    }

    public static String keys(Frame f, List<KeyRing.Entry> keys, Optional<String> notice) {
        return page(f, "Signing keys", "keys", """
                <h1>Signing keys</h1>
                %s
                %s
                <form method="post" action="/console/keys/rotate">%s
                <button type="submit">Rotate every algorithm in use</button>
                <p class="hint">The successor is published at once and signs after keys.publish-lead.</p>
                </form>""".formatted(notice(notice), keyTable(keys, Optional.of(f)), csrf(f)));
    }

    /** The keys; with {@code removable}, each with its link to the removal's confirmation. */
    private static String keyTable(List<KeyRing.Entry> keys, Optional<Frame> removable) {
        StringBuilder rows = new StringBuilder();
        for (KeyRing.Entry e : keys) {
            rows.append("<tr><td><code>").append(text(e.key().kid())).append("</code></td><td>")
                    .append(text(e.key().alg().name())).append("</td><td>")
                    .append(text(e.status().name().toLowerCase(Locale.ROOT))).append("</td><td>")
                    .append(when(e.key().activatesAt())).append("</td><td>")
                    .append(e.retiresAt().map(ConsolePages::when).orElse("—")).append("</td>");
            if (removable.isPresent()) {
                rows.append("<td><a href=\"").append(text("/console/keys/" + segment(e.key().kid()) + "/remove"))
                        .append("\" aria-label=\"Remove key ").append(text(e.key().kid())).append("\">Remove…</a></td>");
            }
            rows.append("</tr>\n");
        }
        List<String> headers = new java.util.ArrayList<>(List.of("Key ID", "Algorithm", "Status", "Signs from", "Retires"));
        removable.ifPresent(x -> headers.add("Emergency"));
        return table(headers, rows);
    }

    /** The confirmation before a key is removed: what removing it does to the tokens it signed. */
    public static String confirmRemoveKey(Frame f, KeyRing.Entry e) {
        String kid = e.key().kid();
        return page(f, "Remove " + kid, "keys", """
                <h1>Remove key <code>%s</code>?</h1>
                <p class="warning" role="alert"><strong>For a key that leaked.</strong> It leaves the JWKS at once, so every
                token it signed stops verifying as soon as APIs refresh their keys. %s This cannot be undone.</p>
                <p class="hint">For a routine change, rotate instead: tokens keep verifying.</p>
                <form method="post" action="%s">%s
                <button type="submit" class="danger">Remove the key</button> <a href="/console/keys">Cancel</a>
                </form>""".formatted(text(kid), e.status() == KeyRing.Status.CURRENT
                        ? "It signs now: a new " + text(e.key().alg().name()) + " key signs at once, without the publish lead."
                        : "It does not sign now (it is " + text(e.status().name().toLowerCase(Locale.ROOT)) + ").",
                text("/console/keys/" + segment(kid) + "/remove"), csrf(f)));
    }

    public static String apis(Frame f, List<Api> apis, Form form, Optional<String> notice) {
        StringBuilder rows = new StringBuilder();
        for (Api a : apis) {
            rows.append("<tr><td><a href=\"").append(text("/console/apis/" + segment(a.identifier())))
                    .append("\"><code>").append(text(a.identifier())).append("</code></a></td><td>").append(text(a.name()))
                    .append("</td><td>").append(scopes(a.scopes())).append("</td><td>")
                    .append(text(a.signingAlg().name())).append("</td><td>")
                    .append(a.tokenLifetime().toSeconds()).append(" s</td></tr>\n");
        }
        return page(f, "APIs", "apis", """
                <h1>APIs</h1>
                %s
                %s
                <h2>Register an API</h2>
                <form method="post" action="/console/apis" novalidate>%s%s
                %s
                %s
                <button type="submit">Register</button>
                </form>""".formatted(notice(notice),
                table(List.of("Identifier", "Name", "Scopes", "Algorithm", "Token lifetime"), rows),
                csrf(f), formError(form),
                field(form, "identifier", "Identifier (an absolute URI, e.g. https://jobs.internal)", "url"),
                apiFields(form, "Token lifetime in seconds (empty: the server's default)")));
    }

    /**
     * One API, to change: its name, scopes, token lifetime and algorithm. {@code form} holds what
     * was entered when the change was refused, else the API's values are shown.
     */
    public static String api(Frame f, Api a, Form form) {
        Form shown = form.values().isEmpty() ? new Form(Map.of("name", a.name(), "scopes", a.scopes().toString(),
                "token_lifetime", Long.toString(a.tokenLifetime().toSeconds()), "signing_alg", a.signingAlg().name()),
                form.errors()) : form;
        return page(f, a.identifier(), "apis", """
                <p><a href="/console/apis">← APIs</a></p>
                <h1><code>%s</code></h1>
                <form method="post" action="%s" novalidate>%s%s
                %s
                <p class="hint">A scope taken out here is taken from every client granted it. A new algorithm signs the next tokens.</p>
                <button type="submit">Save</button> <a href="/console/apis">Cancel</a>
                </form>""".formatted(text(a.identifier()), text("/console/apis/" + segment(a.identifier())), csrf(f),
                formError(shown), apiFields(shown, "Token lifetime in seconds")));
    }

    /** The fields an API is registered and changed with. */
    private static String apiFields(Form form, String lifetimeLabel) {
        StringBuilder algs = new StringBuilder();
        String chosen = form.value("signing_alg").isEmpty() ? "ES256" : form.value("signing_alg");
        for (SigningAlg alg : SigningAlg.values()) {
            algs.append("<option").append(alg.name().equals(chosen) ? " selected" : "").append('>')
                    .append(text(alg.name())).append("</option>");
        }
        return """
                %s
                %s
                <p><label for="signing_alg">Signing algorithm</label>
                <select id="signing_alg" name="signing_alg">%s</select>%s</p>
                %s""".formatted(field(form, "name", "Name", "text"),
                field(form, "scopes", "Scopes, separated by spaces", "text"), algs, error(form, "signing_alg"),
                field(form, "token_lifetime", lifetimeLabel, "number"));
    }

    /**
     * Which clients the clients page lists: a name prefix, an API granted, a state ({@code ""},
     * {@code enabled}, {@code disabled}), and the client ID the page starts after.
     */
    public record ClientFilter(String name, String api, String state, Optional<String> after) {
        public static final ClientFilter NONE = new ClientFilter("", "", "", Optional.empty());

        /** The page's link with this filter, starting after {@code after} (empty: the first page). */
        String href(Optional<String> from) {
            StringBuilder q = new StringBuilder();
            for (String[] p : new String[][] {{"name", name}, {"api", api}, {"state", state},
                    {"after", from.orElse("")}}) {
                if (!p[1].isEmpty()) {
                    q.append(q.isEmpty() ? '?' : '&').append(p[0]).append('=').append(segment(p[1]));
                }
            }
            return "/console/clients" + q;
        }
    }

    /** A page of clients ({@code next}: the client ID the next page starts after, if there is one). */
    public static String clients(Frame f, List<Client> clients, Optional<String> next, ClientFilter filter,
                                 List<Api> apis, Form form) {
        StringBuilder rows = new StringBuilder();
        for (Client c : clients) {
            String href = "/console/clients/" + segment(c.id().value());
            rows.append("<tr><td><a href=\"").append(text(href)).append("\"><code>").append(text(c.id().value()))
                    .append("</code></a></td><td>").append(text(c.name())).append("</td><td>")
                    .append(c.enabled() ? "enabled" : "<strong>disabled</strong>").append("</td><td>")
                    .append(grants(c.grants())).append("</td></tr>\n");
        }
        StringBuilder paging = new StringBuilder("<p class=\"paging\">");
        if (filter.after().isPresent()) {
            paging.append("<a href=\"").append(text(filter.href(Optional.empty()))).append("\">← First page</a> ");
        }
        next.ifPresent(n -> paging.append("<a href=\"").append(text(filter.href(Optional.of(n))))
                .append("\" rel=\"next\">Next ").append(ListQuery.DEFAULT_LIMIT).append(" →</a>"));
        paging.append("</p>");
        return page(f, "Clients", "clients", """
                <h1>Clients</h1>
                <form method="get" action="/console/clients" class="filters">
                <p><label for="filter-name">Name starts with</label>
                <input id="filter-name" name="name" type="text" value="%s"></p>
                <p><label for="filter-api">Granted at</label>
                <select id="filter-api" name="api">%s</select></p>
                <p><label for="filter-state">State</label>
                <select id="filter-state" name="state">%s</select></p>
                <button type="submit">Filter</button> <a href="/console/clients">All clients</a>
                </form>
                %s
                %s
                <h2>Register a client</h2>
                <form method="post" action="/console/clients" novalidate>%s%s
                %s
                %s
                <p><label for="api">API it may call</label>
                <select id="api" name="api">%s</select>%s</p>
                %s
                <button type="submit">Register</button>
                <p class="hint">It authenticates with a secret, shown once on the next page.</p>
                </form>""".formatted(text(filter.name()), apiOptions(apis, filter.api(), "(any)"),
                options(List.of(new String[] {"", "(any)"}, new String[] {"enabled", "enabled"},
                        new String[] {"disabled", "disabled"}), filter.state()),
                table(List.of("Client ID", "Name", "State", "Grants"), rows), paging, csrf(f),
                formError(form), field(form, "name", "Name", "text"),
                field(form, "client_id", "Client ID (empty: one is generated)", "text"),
                apiOptions(apis, form.value("api"), "(none)"), error(form, "grants"),
                field(form, "scopes", "Scopes granted there, separated by spaces", "text")));
    }

    private static String apiOptions(List<Api> apis, String chosen, String none) {
        List<String[]> choices = new java.util.ArrayList<>();
        choices.add(new String[] {"", none});
        apis.forEach(a -> choices.add(new String[] {a.identifier(), a.identifier()}));
        return options(choices, chosen);
    }

    /** {@code <option>}s of (value, label) pairs, {@code chosen} selected. */
    private static String options(List<String[]> choices, String chosen) {
        StringBuilder out = new StringBuilder();
        for (String[] c : choices) {
            out.append("<option value=\"").append(text(c[0])).append('"').append(c[0].equals(chosen) ? " selected" : "")
                    .append('>').append(text(c[1])).append("</option>");
        }
        return out.toString();
    }

    /** How far back the console looks for a scope's use: unused longer, it is worth removing. */
    public static final Duration USAGE_WINDOW = Duration.ofDays(30);

    /**
     * A client, with each granted scope's last issue ({@code usage}: API → scope → when), so
     * that scopes unused for {@link #USAGE_WINDOW} stand out with their Remove button.
     */
    public static String client(Frame f, Client c, Map<String, Map<String, Instant>> usage, Instant now,
                                Optional<String> notice) {
        String base = "/console/clients/" + segment(c.id().value());
        StringBuilder grants = new StringBuilder();
        for (Map.Entry<String, ScopeSet> g : c.grants().entrySet()) {
            grants.append("<tr><td><code>").append(text(g.getKey())).append("</code></td><td><ul class=\"scopes\">");
            for (Scope s : g.getValue()) {
                Instant last = usage.getOrDefault(g.getKey(), Map.of()).get(s.value());
                boolean unused = last == null || last.isBefore(now.minus(USAGE_WINDOW));
                grants.append(unused ? "<li class=\"unused\">" : "<li>").append("<code>").append(text(s.value()))
                        .append("</code> ").append(unused ? "<strong>not issued in " + USAGE_WINDOW.toDays() + " days</strong>"
                                : "<span class=\"hint\">last issued " + when(last) + "</span>")
                        .append(" <form class=\"inline\" method=\"post\" action=\"")
                        .append(text(base + "/grants/remove-scope")).append("\">").append(csrf(f))
                        .append("<input type=\"hidden\" name=\"api\" value=\"").append(text(g.getKey())).append("\">")
                        .append("<input type=\"hidden\" name=\"scope\" value=\"").append(text(s.value())).append("\">")
                        .append("<button type=\"submit\" class=\"small\" aria-label=\"Remove scope ").append(text(s.value()))
                        .append(" from ").append(text(g.getKey())).append("\">Remove</button></form></li>");
            }
            grants.append("</ul></td></tr>\n");
        }
        StringBuilder secrets = new StringBuilder();
        for (ClientSecret s : c.secrets()) {
            secrets.append("<tr><td><code>").append(text(s.id())).append("</code></td><td><code>").append(text(s.hint()))
                    .append("</code></td><td>").append(when(s.createdAt())).append("</td><td>")
                    .append(s.expiresAt() == null ? "—" : when(s.expiresAt())).append("</td><td>")
                    .append(s.lastUsedAt() == null ? "never" : when(s.lastUsedAt())).append("</td></tr>\n");
        }
        String state = c.enabled()
                ? "<form method=\"post\" action=\"" + text(base + "/disable") + "\">" + csrf(f)
                        + "<button type=\"submit\">Disable</button> <span class=\"hint\">Its token requests are refused and its tokens revoked.</span></form>"
                : "<form method=\"post\" action=\"" + text(base + "/enable") + "\">" + csrf(f)
                        + "<button type=\"submit\">Enable</button></form>";
        return page(f, c.id().value(), "clients", """
                <p><a href="/console/clients">← Clients</a></p>
                <h1><code>%s</code></h1>
                %s
                <dl><dt>Name</dt><dd>%s</dd><dt>State</dt><dd id="state">%s</dd><dt>Authentication</dt><dd>%s</dd></dl>
                %s
                <h2>Grants</h2>
                %s
                <h2>Secrets</h2>
                %s
                <form method="post" action="%s">%s
                <p><label for="grace_period">Grace period of the current secret, in seconds (empty: the server's default)</label>
                <input id="grace_period" name="grace_period" type="number" min="0"></p>
                <button type="submit">Rotate secret</button>
                </form>
                <h2>Tokens</h2>
                <form method="post" action="%s">%s<button type="submit">Revoke all its tokens</button></form>
                <h2>Delete</h2>
                <p><a href="%s">Delete this client…</a></p>""".formatted(text(c.id().value()), notice(notice),
                text(c.name()), c.enabled() ? "enabled" : "disabled",
                text(String.join(", ", c.authMethods().stream().map(m -> m.value()).sorted().toList())), state,
                table(List.of("API", "Scopes, and when each was last issued"), grants),
                table(List.of("Secret ID", "Looks like", "Created", "Expires", "Last used"), secrets),
                text(base + "/rotate"), csrf(f), text(base + "/revoke-tokens"), csrf(f), text(base + "/delete")));
    }

    /** The only time a secret is shown: after a client is registered or its secret rotated. */
    public static String secretOnce(Frame f, Client c, String secret, String what) {
        String base = "/console/clients/" + segment(c.id().value());
        return page(f, "Secret of " + c.id().value(), "clients", """
                <h1>%s</h1>
                <p class="warning" role="alert"><strong>Copy the secret now.</strong> Keycard keeps only its digest: this page is the only time it is shown.</p>
                <dl><dt>client_id</dt><dd><code>%s</code></dd>
                <dt>client_secret</dt><dd><code id="secret">%s</code> <button type="button" class="copy" data-copy="secret" hidden>Copy</button></dd></dl>
                <p><a href="%s">Done</a></p>""".formatted(text(what), text(c.id().value()), text(secret), text(base)));
    }

    /**
     * This node's recent audit events, newest first, filtered by client and type: a form that
     * reads with GET, so a filtered view is a link to share.
     */
    public static String audit(Frame f, List<AuditEvent> events, SortedSet<String> types, String client, String type,
                               int kept) {
        StringBuilder options = new StringBuilder("<option value=\"\">(any)</option>");
        SortedSet<String> all = new TreeSet<>(types);
        if (!type.isEmpty()) {
            all.add(type);
        }
        for (String t : all) {
            options.append("<option").append(t.equals(type) ? " selected" : "").append('>').append(text(t))
                    .append("</option>");
        }
        StringBuilder rows = new StringBuilder();
        for (AuditEvent e : events) {
            rows.append("<tr><td>").append(when(e.time())).append("</td><td><code>").append(text(e.type()))
                    .append("</code></td><td>");
            if (e.clientId() != null) {
                rows.append("<a href=\"").append(text("/console/audit?client=" + segment(e.clientId()))).append("\"><code>")
                        .append(text(e.clientId())).append("</code></a>");
            }
            rows.append("</td><td>");
            e.details().forEach((k, v) -> rows.append("<code>").append(text(k)).append("</code> ").append(text(v))
                    .append("<br>"));
            rows.append("</td></tr>\n");
        }
        return page(f, "Audit", "audit", """
                <h1>Audit</h1>
                <form method="get" action="/console/audit" class="filters">
                <p><label for="client">Client ID</label>
                <input id="client" name="client" type="text" value="%s"></p>
                <p><label for="type">Type</label>
                <select id="type" name="type">%s</select></p>
                <button type="submit">Filter</button> <a href="/console/audit">All events</a>
                </form>
                <p class="hint">The newest %d events of this node (it keeps the last %d of each type). The audit log holds every event of every node.</p>
                %s""".formatted(text(client), options, events.size(), kept,
                table(List.of("Time", "Type", "Client", "Details"), rows)));
    }

    public static String confirmDelete(Frame f, Client c) {
        String base = "/console/clients/" + segment(c.id().value());
        return page(f, "Delete " + c.id().value(), "clients", """
                <h1>Delete <code>%s</code>?</h1>
                <p>Its secrets stop working and every token it holds is revoked. This cannot be undone.</p>
                <form method="post" action="%s">%s
                <button type="submit" class="danger">Delete the client</button> <a href="%s">Cancel</a>
                </form>""".formatted(text(c.id().value()), text(base + "/delete"), csrf(f), text(base)));
    }

    /** 404 or a refusal that is about no field, inside the console's frame. */
    public static String message(Frame f, String title, String detail) {
        return page(f, title, "", "<h1>" + text(title) + "</h1>\n<p>" + text(detail) + "</p>\n"
                + "<p><a href=\"/console/\">Overview</a></p>");
    }

    private static String page(Frame f, String title, String current, String main) {
        StringBuilder nav = new StringBuilder();
        for (String[] item : new String[][] {{"overview", "/console/", "Overview"}, {"apis", "/console/apis", "APIs"},
                {"clients", "/console/clients", "Clients"}, {"keys", "/console/keys", "Signing keys"},
                {"audit", "/console/audit", "Audit"}}) {
            nav.append("<li><a href=\"").append(item[1]).append('"')
                    .append(item[0].equals(current) ? " aria-current=\"page\"" : "").append('>').append(item[2])
                    .append("</a></li>");
        }
        return document(title, """
                <header><nav aria-label="Console"><ul>%s</ul></nav>
                <form method="post" action="/console/sign-out" class="signout">%s<span>%s</span> <button type="submit">Sign out</button></form>
                </header>
                <main>
                %s
                </main>""".formatted(nav, csrf(f), text(f.adminClientId()), main));
    }

    private static String document(String title, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · Keycard</title>
                <link rel="stylesheet" href="/console/assets/console.css">
                <script src="/console/assets/console.js" defer></script>
                </head>
                <body>
                %s
                </body>
                </html>
                """.formatted(text(title), body);
    }

    private static String csrf(Frame f) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(f.csrf()) + "\">";
    }

    private static String field(Form form, String name, String label, String type) {
        String error = form.errors().get(name);
        return "<p><label for=\"" + name + "\">" + text(label) + "</label>\n<input id=\"" + name + "\" name=\"" + name
                + "\" type=\"" + type + "\" value=\"" + text(form.value(name)) + "\""
                + (error == null ? "" : " aria-invalid=\"true\" aria-describedby=\"" + name + "-error\"") + ">"
                + error(form, name) + "</p>";
    }

    private static String error(Form form, String name) {
        String error = form.errors().get(name);
        return error == null ? "" : "<span class=\"error\" id=\"" + name + "-error\">" + text(error) + "</span>";
    }

    private static String formError(Form form) {
        String error = form.errors().get("");
        return error == null ? "" : "<p class=\"error\" role=\"alert\">" + text(error) + "</p>";
    }

    private static String notice(Optional<String> notice) {
        return notice.map(n -> "<p class=\"notice\" role=\"status\">" + text(n) + "</p>").orElse("");
    }

    private static String table(List<String> headers, CharSequence rows) {
        if (rows.isEmpty()) {
            return "<p class=\"hint\">None yet.</p>";
        }
        StringBuilder t = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
        headers.forEach(h -> t.append("<th scope=\"col\">").append(text(h)).append("</th>"));
        return t.append("</tr></thead><tbody>\n").append(rows).append("</tbody></table></div>").toString();
    }

    private static String scopes(ScopeSet scopes) {
        return text(scopes.toString());
    }

    private static String grants(Map<String, ScopeSet> grants) {
        StringBuilder out = new StringBuilder();
        grants.forEach((api, scopes) -> out.append("<code>").append(text(api)).append("</code>: ")
                .append(scopes(scopes)).append("<br>"));
        return out.toString();
    }

    private static String when(Instant t) {
        return "<time datetime=\"" + text(t.truncatedTo(ChronoUnit.SECONDS)) + "\">" + text(plain(t)) + "</time>";
    }

    /** {@code 2026-12-06 20:46:38 UTC}. */
    private static String plain(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }
}
