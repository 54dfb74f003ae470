package dev.keycard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 6749 §5.2: {@code error_description} is {@code 1*( %x20-21 / %x23-5B / %x5D-7E )}. */
class OAuthErrorTest {

    private static boolean allNqschar(String s) {
        return s.chars().allMatch(OAuthError::isNqschar);
    }

    @Test
    void printableWhenEveryCharacterOfTheBasicPlaneThenOnlyNqscharComesOut() {
        for (int c = 0; c <= 0xFFFF; c++) {
            String described = OAuthError.INVALID_REQUEST.describe("parameter is repeated: " + (char) c).description();
            assertTrue(allNqschar(described), () -> "U+" + Integer.toHexString(described.charAt(23)) + ": " + described);
        }
    }

    @Test
    void printableWhenPlainTextThenUnchanged() {
        String text = "scope not granted to this client: jobs:write [a-z] {x} ~!";
        assertEquals(text, OAuthError.printable(text));
    }

    @Test
    void printableWhenQuoteBackslashControlsOrNonAsciiThenPercentEscapesOfUtf8() {
        assertEquals("a%22b%5Cc%0D%0A%00%C2%A7%F0%9F%94%91%", OAuthError.printable("a\"b\\c\r\n\0§\uD83D\uDD11%"));
    }

    @Test
    void describedWhenCopiedWithADetailOrAWaitThenTheDescriptionIsNotEscapedAgain() {
        OAuthError.Described d = OAuthError.INVALID_REQUEST.describe("parameter is repeated: \u00a7").detail("x")
                .retryAfter(java.time.Duration.ofSeconds(3));
        assertEquals("parameter is repeated: %C2%A7", d.description());
    }

    @Test
    void printableWhenLoneSurrogateThenAnEscapedQuestionMark() {
        assertEquals("x%3F", OAuthError.printable("x\uD800"));
    }

    @Test
    void printableWhenLongThenCutWithAnEllipsis() {
        String out = OAuthError.printable("parameter is repeated: " + "\u00e9".repeat(10_000));
        assertEquals(OAuthError.MAX_DESCRIPTION, out.length());
        assertTrue(out.endsWith("..."));
        assertTrue(allNqschar(out));
        assertEquals(OAuthError.MAX_DESCRIPTION, OAuthError.printable("a".repeat(5_000)).length());
    }
}
