package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.StringJoiner;

/** How a client and its secrets look in table output. Never shows a secret, only its hint. */
final class ClientView {

    private static final String SHOWN_ONCE = "This secret is shown only once: store it now, it cannot be read back.";

    private ClientView() {
    }

    /** One row per client: CLIENT_ID NAME ENABLED GRANTS SECRETS (the number of active secrets). */
    static void list(PrintWriter out, JsonObject answer) {
        Table table = Table.withHeaders("CLIENT_ID", "NAME", "ENABLED", "GRANTS", "SECRETS");
        for (Object item : answer.getJsonArray("items", new JsonArray())) {
            if (item instanceof JsonObject client) {
                StringJoiner grants = new StringJoiner(";");
                grants.setEmptyValue("-");
                for (Object grant : array(client, "grants")) {
                    if (grant instanceof JsonObject g) {
                        grants.add(grant(g));
                    }
                }
                long active = array(client, "secrets").stream()
                        .filter(s -> s instanceof JsonObject secret && Boolean.TRUE.equals(secret.getValue("active")))
                        .count();
                table.row(client.getValue("client_id"), client.getValue("name"),
                        Table.yesNo(client.getValue("enabled")), grants.toString(), active);
            }
        }
        table.print(out);
    }

    /** One client, a field per line; each grant and each secret on a line of its own. */
    static void show(PrintWriter out, JsonObject client) {
        Table table = Table.fields()
                .row("client_id:", client.getValue("client_id"))
                .row("name:", client.getValue("name"))
                .row("enabled:", Table.yesNo(client.getValue("enabled")))
                .row("auth_methods:", Table.join(client.getValue("auth_methods"), " "))
                .row("grant_types:", Table.join(client.getValue("grant_types"), " "))
                .row("default_api:", client.getValue("default_api"))
                .row("token_rate_limit:", client.getValue("token_rate_limit") == null ? "(server default)"
                        : client.getValue("token_rate_limit"));
        if (Boolean.TRUE.equals(client.getValue("dpop_bound_access_tokens"))) {
            table.row("dpop_bound:", "yes (every token request must carry a DPoP proof)");
        }
        for (String attribute : new String[] {"tls_client_auth_subject_dn", "tls_client_auth_san_dns",
                "tls_client_auth_san_uri", "tls_client_auth_san_ip", "tls_client_auth_san_email"}) {
            if (client.getValue(attribute) != null) {
                table.row("tls_client_auth:", attribute.substring("tls_client_auth_".length()) + " "
                        + client.getValue(attribute));
            }
        }
        if (Boolean.TRUE.equals(client.getValue("tls_client_certificate_bound_access_tokens"))) {
            table.row("certificate_bound:", "yes (tokens got with its certificate are bound to it)");
        }
        keys(table, client);
        String label = "grants:";
        for (Object grant : array(client, "grants")) {
            if (grant instanceof JsonObject g) {
                table.row(label, grant(g));
                label = "";
            }
        }
        if (!label.isEmpty()) {
            table.row(label, "-");
        }
        label = "secrets:";
        for (Object secret : array(client, "secrets")) {
            if (secret instanceof JsonObject s) {
                table.row(label, secret(s));
                label = "";
            }
        }
        label = "identities:";
        for (Object identity : array(client, "federated_identities")) {
            if (identity instanceof JsonObject i) {
                StringBuilder line = new StringBuilder(Table.clean(i.getValue("id")) + " "
                        + Table.clean(i.getValue("trust_source")) + " " + Table.clean(i.getValue("subject")));
                if (i.getValue("claims") instanceof JsonObject claims) {
                    claims.forEach(e -> line.append(' ').append(Table.clean(e.getKey())).append('=')
                            .append(Table.clean(e.getValue())));
                }
                table.row(label, line.toString());
                label = "";
            }
        }
        table.row("created_at:", client.getValue("created_at"))
                .row("updated_at:", client.getValue("updated_at"))
                .print(out);
    }

    /**
     * One row per secret: ID HINT ACTIVE GRACE CREATED EXPIRES LAST_USED. GRACE is yes for a replaced
     * secret that still works until EXPIRES: its client should move to the new one.
     */
    static void secrets(PrintWriter out, JsonObject answer) {
        Table table = Table.withHeaders("ID", "HINT", "ACTIVE", "GRACE", "CREATED", "EXPIRES", "LAST_USED");
        for (Object item : answer.getJsonArray("items", new JsonArray())) {
            if (item instanceof JsonObject s) {
                table.row(s.getValue("id"), s.getValue("hint"), Table.yesNo(s.getValue("active")),
                        Table.yesNo(s.getValue("in_grace_period")), s.getValue("created_at"), s.getValue("expires_at"),
                        s.getValue("last_used_at"));
            }
        }
        table.print(out);
    }

    /**
     * The client's private_key_jwt keys: the URL it publishes them at, or each inline key's
     * {@code kid}, type and curve or size; and the one algorithm it signs with, if declared.
     */
    private static void keys(Table table, JsonObject client) {
        if (client.getValue("jwks_uri") != null) {
            table.row("jwks_uri:", client.getValue("jwks_uri"));
        }
        if (client.getValue("jwks") instanceof JsonObject jwks) {
            String label = "keys:";
            for (Object key : jwks.getJsonArray("keys", new JsonArray())) {
                if (key instanceof JsonObject k) {
                    table.row(label, Table.clean(k.getValue("kid") == null ? "(no kid)" : k.getValue("kid")) + " "
                            + Table.clean(k.getValue("kty")) + (k.getValue("crv") == null ? ""
                            : " " + Table.clean(k.getValue("crv"))));
                    label = "";
                }
            }
        }
        if (client.getValue("token_endpoint_auth_signing_alg") != null) {
            table.row("signing_alg:", client.getValue("token_endpoint_auth_signing_alg"));
        }
    }

    /**
     * A new client, then its secret, labelled, and the warning that it will not be shown again; a
     * client that authenticates with its keys has no secret to show.
     */
    static void created(PrintWriter out, JsonObject client) {
        show(out, client);
        if (client.getValue("client_secret") != null) {
            out.println("client_secret: " + Table.clean(client.getValue("client_secret")));
            out.println(SHOWN_ONCE);
        }
    }

    /** The answer to a rotation: the new secret's id and hint, the secret itself, and the warning. */
    static void rotated(PrintWriter out, JsonObject answer) {
        JsonObject secret = answer.getValue("secret") instanceof JsonObject s ? s : new JsonObject();
        Table.fields()
                .row("secret_id:", secret.getValue("id"))
                .row("hint:", secret.getValue("hint"))
                .row("client_secret:", answer.getValue("client_secret"))
                .print(out);
        out.println(SHOWN_ONCE);
    }

    /** The answer to revoke-tokens: the client and the time before which its tokens are revoked. */
    static void tokensRevoked(PrintWriter out, JsonObject answer) {
        Table.fields()
                .row("client_id:", answer.getValue("client_id"))
                .row("revoked_before:", answer.getValue("revoked_before"))
                .print(out);
    }

    /** A secret's metadata on one line, e.g. {@code sec_1 kcs_…x7Q active (grace period) expires 2026-…}. */
    private static String secret(JsonObject s) {
        return Table.clean(s.getValue("id")) + " " + Table.clean(s.getValue("hint")) + " "
                + (Boolean.TRUE.equals(s.getValue("active")) ? "active" : "inactive")
                + (Boolean.TRUE.equals(s.getValue("in_grace_period")) ? " (grace period)" : "")
                + " expires " + (s.getValue("expires_at") == null ? "never" : Table.clean(s.getValue("expires_at")));
    }

    /** A grant as {@code API=scope1,scope2}, the form {@code client create --grant} takes. */
    private static String grant(JsonObject grant) {
        return Table.clean(grant.getValue("api")) + "=" + Table.join(grant.getValue("scopes"), ",");
    }

    private static JsonArray array(JsonObject json, String key) {
        return json.getValue(key) instanceof JsonArray array ? array : new JsonArray();
    }
}
