package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void checkWhenFailuresPassTheFreeOnesThenTheAddressWaitsTwiceAsLongEachTime() {
        AuthThrottle throttle = new AuthThrottle(3, Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), throttle.check("10.0.0.1", "victim", T0));
            throttle.failed("10.0.0.1", "victim", T0);
        }
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "victim", T0), "three failures are free");
        throttle.failed("10.0.0.1", "victim", T0);
        assertEquals(Duration.ofSeconds(1), throttle.check("10.0.0.1", "victim", T0).orElseThrow().duration());
        throttle.failed("10.0.0.1", "victim", T0.plusSeconds(1));
        assertEquals(Duration.ofSeconds(2), throttle.check("10.0.0.1", "other", T0.plusSeconds(1)).orElseThrow()
                .duration(), "the address waits whatever client id it names");
        throttle.failed("10.0.0.1", "victim", T0.plusSeconds(3));
        throttle.failed("10.0.0.1", "victim", T0.plusSeconds(7));
        throttle.failed("10.0.0.1", "victim", T0.plusSeconds(15));
        assertEquals(Duration.ofSeconds(10), throttle.check("10.0.0.1", "x", T0.plusSeconds(15)).orElseThrow()
                .duration(), "capped at the maximum");
    }

    @Test
    void checkWhenTheClientIdWaitsThenOnlyAddressesThatFailedForItAreHeldBack() {
        AuthThrottle throttle = new AuthThrottle(2, Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0." + i, "victim", T0); // one failure from each of five addresses
        }
        AuthThrottle.Wait wait = throttle.check("10.0.0.1", "victim", T0).orElseThrow();
        assertEquals(RequestLimit.FAILED_AUTH_CLIENT, wait.limit());
        assertEquals(Optional.empty(), throttle.check("10.9.9.9", "victim", T0), "a clean address is checked as usual");
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "someone-else", T0));

        throttle.failed("10.8.8.8", "someone-else", T0); // an address that failed, but for another id
        assertEquals(Optional.empty(), throttle.check("10.8.8.8", "victim", T0),
                "the victim's back-off holds back only addresses that failed for the victim");
    }

    @Test
    void checkWhenQuietForFifteenMinutesThenForgotten() {
        AuthThrottle throttle = new AuthThrottle(1, Duration.ofMinutes(5));
        throttle.failed("10.0.0.1", "a", T0);
        throttle.failed("10.0.0.1", "a", T0);
        assertTrue(throttle.check("10.0.0.1", "a", T0).isPresent());
        Instant later = T0.plus(AuthThrottle.FORGET_AFTER);
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "a", later));
        throttle.failed("10.0.0.1", "a", later);
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "a", later), "counting starts again");
    }

    @Test
    void checkWhenTurnedOffThenNeverWaits() {
        AuthThrottle throttle = new AuthThrottle(0, Duration.ofMinutes(5));
        for (int i = 0; i < 100; i++) {
            throttle.failed("10.0.0.1", "a", T0);
        }
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "a", T0));
    }

    @Test
    void keyWhenIpv6ThenItsSlash64AndIpv4Unchanged() {
        assertEquals("2001:db8:1:2::/64", AuthThrottle.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(AuthThrottle.key("2001:db8:1:2::1"), AuthThrottle.key("2001:db8:1:2:ffff::9"));
        assertEquals("192.0.2.7", AuthThrottle.key("192.0.2.7"));
    }

    @Test
    void checkWhenAClientHasAuthenticatedFromTheAddressBeforeThenItIsAlwaysCheckedThere() {
        AuthThrottle throttle = new AuthThrottle(2, Duration.ofMinutes(5));
        throttle.succeeded("10.0.0.1", "payments", T0); // a service behind the same NAT as a broken one
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.1", "broken", T0.plusSeconds(60));
        }
        assertEquals(RequestLimit.FAILED_AUTH_ADDRESS,
                throttle.check("10.0.0.1", "newcomer", T0.plusSeconds(61)).orElseThrow().limit());
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "payments", T0.plusSeconds(61)));

        // Someone at the same address failing as payments cannot lock it out: it is still checked ...
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.1", "payments", T0.plusSeconds(62));
        }
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "payments", T0.plusSeconds(62)));
        assertEquals(Optional.empty(), throttle.check("10.0.0.1", "payments", T0.plus(AuthThrottle.KNOWN_FOR)),
                "known for a day");
    }

    @Test
    void failedWhenAKnownClientKeepsFailingFromItsAddressThenItIsToldToWaitInsteadOf401() {
        AuthThrottle throttle = new AuthThrottle(2, Duration.ofMinutes(5));
        throttle.succeeded("10.0.0.1", "payments", T0);
        assertEquals(Optional.empty(), throttle.failed("10.0.0.1", "payments", T0), "free");
        assertEquals(Optional.empty(), throttle.failed("10.0.0.1", "payments", T0), "free");
        AuthThrottle.Wait wait = throttle.failed("10.0.0.1", "payments", T0).orElseThrow();
        assertEquals(Duration.ofSeconds(1), wait.duration(), "a secret left behind by a rotation: slow down");
        assertEquals(Optional.empty(), throttle.failed("10.0.0.2", "other", T0), "an unknown pair is answered 401");
    }

    @Test
    void mapsWhenFullThenANewKeyIsNotTrackedAndMemoryStaysBounded() {
        AuthThrottle throttle = new AuthThrottle(1, Duration.ofMinutes(5));
        for (int i = 0; i < AuthThrottle.MAX_ENTRIES + 10; i++) {
            throttle.failed("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), "id-" + i, T0);
        }
        throttle.failed("192.0.2.1", "late", T0);
        throttle.failed("192.0.2.1", "late", T0);
        assertEquals(Optional.empty(), throttle.check("192.0.2.1", "late", T0), "full of live keys: untracked");
        Instant later = T0.plus(AuthThrottle.FORGET_AFTER).plusSeconds(301);
        throttle.failed("192.0.2.1", "late", later);
        throttle.failed("192.0.2.1", "late", later);
        assertTrue(throttle.check("192.0.2.1", "late", later).isPresent(), "the quiet keys were swept");
    }

    @Test
    void checkWhenMoreClientsHaveAuthenticatedThanTheFailureMapsHoldThenTheLatestIsStillKnownAtItsAddress() {
        AuthThrottle throttle = new AuthThrottle(2, Duration.ofMinutes(5));
        int clients = AuthThrottle.MAX_ENTRIES + 50_000; // a registry of 150,000 services, each from its own address
        for (int i = 0; i < clients; i++) {
            throttle.succeeded("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff), "svc-" + i, T0);
        }
        int last = clients - 1;
        String address = "10." + (last >> 16 & 0xff) + "." + (last >> 8 & 0xff) + "." + (last & 0xff);
        for (int i = 0; i < 10; i++) {
            throttle.failed(address, "broken", T0.plusSeconds(60)); // a neighbour behind the same NAT
        }
        assertTrue(throttle.check(address, "newcomer", T0.plusSeconds(61)).isPresent(), "the address waits");
        assertEquals(Optional.empty(), throttle.check(address, "svc-" + last, T0.plusSeconds(61)),
                "the 150,000th client is known there and still checked");
    }

    @Test
    void succeededWhenKnownPairsAreFullThenANewOneIsUnknownUntilAPurgeDropsTheDayOld() {
        AuthThrottle throttle = new AuthThrottle(1, Duration.ofMinutes(5), 2);
        throttle.succeeded("10.0.0.1", "a", T0);
        throttle.succeeded("10.0.0.2", "b", T0.plus(Duration.ofHours(12)));
        Instant later = T0.plus(Duration.ofHours(20));
        throttle.succeeded("10.0.0.3", "c", later); // no room
        throttle.failed("10.0.0.3", "spray", later);
        throttle.failed("10.0.0.3", "spray", later);
        assertTrue(throttle.check("10.0.0.3", "c", later).isPresent(), "c is not known: it waits with its address");

        Instant dayOn = T0.plus(AuthThrottle.KNOWN_FOR).plusSeconds(1);
        throttle.purge(dayOn); // a is a day quiet
        throttle.succeeded("10.0.0.3", "c", dayOn);
        throttle.failed("10.0.0.3", "spray", dayOn);
        throttle.failed("10.0.0.3", "spray", dayOn);
        assertTrue(throttle.check("10.0.0.3", "newcomer", dayOn).isPresent(), "the address waits");
        assertEquals(Optional.empty(), throttle.check("10.0.0.3", "c", dayOn), "c is known now");
        throttle.failed("10.0.0.2", "spray", dayOn);
        throttle.failed("10.0.0.2", "spray", dayOn);
        assertTrue(throttle.check("10.0.0.2", "newcomer", dayOn).isPresent(), "that address waits too");
        assertEquals(Optional.empty(), throttle.check("10.0.0.2", "b", dayOn), "b, 12 hours on, is still known");
    }
}
