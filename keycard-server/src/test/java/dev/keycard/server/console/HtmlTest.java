package dev.keycard.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Escaping and path segments of the console's pages. */
class HtmlTest {

    @Test
    void segmentWhenTheValueIsADotSegmentThenEncodedSoABrowserKeepsIt() {
        assertEquals("%2E%2E", Html.segment(".."));
        assertEquals("%2E", Html.segment("."));
        assertEquals("/console/clients/%2E%2E",
                URI.create("/console/clients/").resolve(Html.segment("..")).toString(), "not resolved to /console/");
        assertEquals("a.b", Html.segment("a.b"));
        assertEquals("https%3A%2F%2Fjobs.internal", Html.segment("https://jobs.internal"));
        assertEquals("a%20b", Html.segment("a b"));
    }

    @Test
    void textWhenMarkupThenEscapedForTextAndQuotedAttributes() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;", Html.text("<a href=\"x\" title='y'>&"));
    }
}
