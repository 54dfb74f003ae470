package dev.keycard.resource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The DPoP replay record's bounds, with clock readings given: what a shed may and may not forget. */
class ProofReplayTest {

    @Test
    void firstUseWhenAnotherThreadsOlderClockReadingMeetsAShedThenAnExpiredEntryIsNotTakenForAFirstUse() {
        ProofReplay replay = new ProofReplay(3);
        assertEquals(ProofReplay.Use.FIRST, replay.firstUse("k", "a", 100, 50));
        assertEquals(ProofReplay.Use.FIRST, replay.firstUse("k", "a2", 120, 50));
        assertEquals(ProofReplay.Use.FIRST, replay.firstUse("k", "b", 300, 50));
        // A thread that read the clock at 150 sheds: "a" and "a2" have expired by its reading.
        assertEquals(ProofReplay.Use.FIRST, replay.firstUse("k", "c", 400, 150));
        // A thread that read the clock at 60, before, now meets "a" again: still open by its reading.
        assertEquals(ProofReplay.Use.TOO_OLD, replay.firstUse("k", "a", 100, 60), "a replay, not a first use");
    }

    @Test
    void withClientIdWhenTheUriHasAQueryOrAFragmentThenTheParameterIsSentAndTheFragmentDropped() {
        assertEquals("https://k.example/events?client_id=jobs-api",
                RevocationSubscriber.withClientId(URI.create("https://k.example/events"), "jobs-api").toString());
        assertEquals("https://k.example/events?a=1&client_id=jobs+api",
                RevocationSubscriber.withClientId(URI.create("https://k.example/events?a=1#top"), "jobs api").toString());
        assertEquals("https://k.example:8443/events?client_id=x",
                RevocationSubscriber.withClientId(URI.create("https://k.example:8443/events?"), "x").toString());
    }
}
