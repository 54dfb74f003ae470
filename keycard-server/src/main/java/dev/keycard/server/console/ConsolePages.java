package dev.keycard.server.console;

import static dev.keycard.server.console.Html.segment;
import static dev.keycard.server.console.Html.text;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
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

    public static String overview(Frame f, int apis, String clients, List<KeyRing.Entry> keys) {
        return page(f, "Overview", "overview", """
                <h1>Overview</h1>
                <ul class="figures">
                <li><a href="/console/apis"><strong>%d</strong> APIs</a></li>
                <li><a href="/console/clients"><strong>%s</strong> clients</a></li>
                <li><a href="/console/keys"><strong>%d</strong> signing keys</a></li>
                </ul>
                <h2>Signing keys</h2>
                %s""".formatted(apis, text(clients), keys.size(), keyTable(keys)));
    }

    public static String keys(Frame f, List<KeyRing.Entry> keys, Optional<String> notice) {
        return page(f, "Signing keys", "keys", """
                <h1>Signing keys</h1>
                %s
                %s
                <form method="post" action="/console/keys/rotate">%s
                <button type="submit">Rotate every algorithm in use</button>
                <p class="hint">The successor is published at once and signs after keys.publish-lead.</p>
                </form>""".formatted(notice(notice), keyTable(keys), csrf(f)));
    }

    private static String keyTable(List<KeyRing.Entry> keys) {
        StringBuilder rows = new StringBuilder();
        for (KeyRing.Entry e : keys) {
            rows.append("<tr><td><code>").append(text(e.key().kid())).append("</code></td><td>")
                    .append(text(e.key().alg().name())).append("</td><td>")
                    .append(text(e.status().name().toLowerCase(Locale.ROOT))).append("</td><td>")
                    .append(when(e.key().activatesAt())).append("</td><td>")
                    .append(e.retiresAt().map(ConsolePages::when).orElse("—")).append("</td></tr>\n");
        }
        return table(List.of("Key ID", "Algorithm", "Status", "Signs from", "Retires"), rows);
    }

    public static String apis(Frame f, List<Api> apis, Form form) {
        StringBuilder rows = new StringBuilder();
        for (Api a : apis) {
            rows.append("<tr><td><code>").append(text(a.identifier())).append("</code></td><td>").append(text(a.name()))
                    .append("</td><td>").append(scopes(a.scopes())).append("</td><td>")
                    .append(text(a.signingAlg().name())).append("</td><td>")
                    .append(a.tokenLifetime().toSeconds()).append(" s</td></tr>\n");
        }
        StringBuilder algs = new StringBuilder();
        for (SigningAlg alg : SigningAlg.values()) {
            String selected = alg.name().equals(form.value("signing_alg").isEmpty() ? "ES256" : form.value("signing_alg"))
                    ? " selected" : "";
            algs.append("<option").append(selected).append('>').append(text(alg.name())).append("</option>");
        }
        return page(f, "APIs", "apis", """
                <h1>APIs</h1>
                %s
                <h2>Register an API</h2>
                <form method="post" action="/console/apis" novalidate>%s%s
                %s
                %s
                %s
                <p><label for="signing_alg">Signing algorithm</label>
                <select id="signing_alg" name="signing_alg">%s</select>%s</p>
                %s
                <button type="submit">Register</button>
                </form>""".formatted(table(List.of("Identifier", "Name", "Scopes", "Algorithm", "Token lifetime"), rows),
                csrf(f), formError(form),
                field(form, "identifier", "Identifier (an absolute URI, e.g. https://jobs.internal)", "url"),
                field(form, "name", "Name", "text"),
                field(form, "scopes", "Scopes, separated by spaces", "text"),
                algs, error(form, "signing_alg"),
                field(form, "token_lifetime", "Token lifetime in seconds (empty: the server's default)", "number")));
    }

    public static String clients(Frame f, List<Client> clients, List<Api> apis, Form form) {
        StringBuilder rows = new StringBuilder();
        for (Client c : clients) {
            String href = "/console/clients/" + segment(c.id().value());
            rows.append("<tr><td><a href=\"").append(text(href)).append("\"><code>").append(text(c.id().value()))
                    .append("</code></a></td><td>").append(text(c.name())).append("</td><td>")
                    .append(c.enabled() ? "enabled" : "<strong>disabled</strong>").append("</td><td>")
                    .append(grants(c.grants())).append("</td></tr>\n");
        }
        StringBuilder options = new StringBuilder("<option value=\"\">(none)</option>");
        for (Api a : apis) {
            String selected = a.identifier().equals(form.value("api")) ? " selected" : "";
            options.append("<option value=\"").append(text(a.identifier())).append('"').append(selected).append('>')
                    .append(text(a.identifier())).append("</option>");
        }
        return page(f, "Clients", "clients", """
                <h1>Clients</h1>
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
                </form>""".formatted(table(List.of("Client ID", "Name", "State", "Grants"), rows), csrf(f),
                formError(form), field(form, "name", "Name", "text"),
                field(form, "client_id", "Client ID (empty: one is generated)", "text"), options, error(form, "grants"),
                field(form, "scopes", "Scopes granted there, separated by spaces", "text")));
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
                {"clients", "/console/clients", "Clients"}, {"keys", "/console/keys", "Signing keys"}}) {
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
        return "<time datetime=\"" + text(t.truncatedTo(ChronoUnit.SECONDS)) + "\">"
                + text(t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC")) + "</time>";
    }
}
