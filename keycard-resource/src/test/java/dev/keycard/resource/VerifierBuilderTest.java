package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The verifier's builder follows the same rules as keycard-client's: the issuer is a URI (or a
 * string that is one), a list setter replaces, a bad value is IllegalArgumentException (null:
 * NullPointerException), and build() refuses missing or contradicting settings with
 * IllegalStateException.
 */
class VerifierBuilderTest {

    static final URI ISSUER = URI.create("https://keycard.example");

    @Test
    void issuerAsUriOrStringIsTheSame() {
        try (AccessTokenVerifier a = AccessTokenVerifier.builder().issuer(ISSUER).audiences("https://jobs").build();
             AccessTokenVerifier b = AccessTokenVerifier.builder().issuer(ISSUER.toString()).audiences("https://jobs")
                     .build()) {
            assertEquals(a.toString(), b.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> AccessTokenVerifier.builder().issuer("not a uri"));
        assertThrows(NullPointerException.class, () -> AccessTokenVerifier.builder().issuer((URI) null));
    }

    @Test
    void listSettersReplaceWhatAnEarlierCallGave() {
        try (AccessTokenVerifier v = AccessTokenVerifier.builder().issuer(ISSUER).audiences("https://a")
                .audiences("https://b").algorithms("RS256").algorithms("ES256").build()) {
            assertEquals("AccessTokenVerifier[iss=https://keycard.example, aud=[https://b], alg=[ES256]]", v.toString());
        }
    }

    @Test
    void aBadValueIsIllegalArgumentAndAMissingSettingIllegalState() {
        assertThrows(IllegalArgumentException.class, () -> AccessTokenVerifier.builder().algorithms("HS256"));
        assertThrows(IllegalStateException.class, () -> AccessTokenVerifier.builder().audiences("https://a").build());
        assertThrows(IllegalStateException.class, () -> AccessTokenVerifier.builder().issuer(ISSUER).build());
        assertThrows(IllegalStateException.class, () -> AccessTokenVerifier.builder().issuer("urn:not-a-url")
                .audiences("https://a").build());
    }
}
