package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo end to end, as {@code ./keycard demo} runs it, with two one-second cycles. */
class DemoTest {

    @Test
    void runWhenEverythingIsInPlaceThenEveryExpectedOutcomeHappens() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean succeeded = new Demo(2, Duration.ofSeconds(1), new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String account = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(succeeded, account);
        assertTrue(account.contains("13 of 13 expected outcomes happened: the demo succeeded"), account);
        assertTrue(account.contains("key-worker        token by private_key_jwt; GET  /jobs -> 200"), account);
        assertTrue(account.contains("pod-worker        token by its service-account token (federated); GET  /jobs -> 200"),
                account);
        assertTrue(account.contains("batch-worker      token_type DPoP; GET  /jobs -> 200"), account);
        assertTrue(account.contains("copied token      as Bearer -> 401, WWW-Authenticate: DPoP error=\"invalid_token\""), account);
        assertTrue(account.contains("copied token      with a proof by another key -> 401"), account);
        assertTrue(account.contains("POST /jobs/1/complete   -> 200 \"resize images\" completed"), account);
        assertTrue(account.contains("POST /jobs/3/complete   -> 200 \"rebuild search index\" completed"), account);
        assertTrue(account.contains("POST /jobs/1/complete -> 403, WWW-Authenticate: Bearer error=\"insufficient_scope\""), account);
        assertTrue(account.contains("jobs-api log      refused: client report-generator lacks scope jobs:write"), account);
        assertFalse(account.contains("kcs_"), "no client secret is ever printed");
    }

    @Test
    void summarizeWhenAnExpectationFailedThenTheDemoFails() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Account account = new Account(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        account.expect("the worker completed its jobs", true, "ok");
        account.expect("report-generator refused jobs:write with 403", false, "200");
        assertFalse(account.summarize());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("[FAILED] report-generator refused jobs:write with 403 (got: 200)"));
        assertFalse(new Account(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).summarize(),
                "no expectation at all is not a success");
    }

    @Test
    void parseWhenIntervalGivenThenSecondsMinutesOrIso() {
        assertEquals(Duration.ofSeconds(2), DemoMain.parse("2s"));
        assertEquals(Duration.ofMinutes(15), DemoMain.parse("15m"));
        assertEquals(Duration.ofSeconds(30), DemoMain.parse("PT30S"));
    }
}
