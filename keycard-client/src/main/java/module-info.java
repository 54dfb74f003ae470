/**
 * keycard-client, for services that call APIs: gets, caches and refreshes OAuth 2.0 client
 * credentials tokens (RFC 6749 §4.4) and sends them as Bearer tokens. Only {@code dev.keycard.client}
 * is API; {@code dev.keycard.client.internal} may change in any release.
 */
module dev.keycard.client {
    requires transitive dev.keycard.protocol;
    requires transitive java.net.http;
    requires com.grack.nanojson;
    requires static org.jspecify;

    exports dev.keycard.client;
}
