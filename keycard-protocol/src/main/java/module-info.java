/**
 * The OAuth vocabulary Keycard's server and libraries share: client ids, scopes, grant types,
 * RFC 6749 errors and token responses, the form codec. JDK only.
 */
module dev.keycard.protocol {
    requires transitive java.net.http;
    requires static org.jspecify;

    exports dev.keycard.protocol;
}
