package dev.keycard.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console end to end in headless Chromium, the system's own (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code bin/install-browser} installs; nothing is downloaded at
 * test time). Skipped, saying so, where they are missing. Screenshots of every page at desktop and
 * phone width go to {@code target/console-screenshots}.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String JOBS = "https://jobs.internal";

    private static WebDriver browser;
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private TestServer server;

    @BeforeAll
    static void chromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: no Chromium at " + CHROMIUM + " and " + CHROMEDRIVER + " (run bin/install-browser)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--no-first-run", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.manage().deleteAllCookies();
        }
        if (server != null) {
            server.close();
        }
    }

    private Http start() {
        server = TestServer.start(dir, Map.of("console.enabled", "true", "secret.last-used-flush", "1s"), clock);
        return new Http(server.baseUri());
    }

    private void go(String path) {
        browser.get(server.baseUri().resolve(path).toString());
    }

    private WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    /**
     * Clicks what leads to another page, and waits until that page has replaced this one. The old
     * page is told apart by a flag on its window (a navigation makes a new window object), not by
     * an element handle: Chromium now and then answers a question about an element of a page it
     * is leaving with an error instead of "stale".
     */
    private void click(String css) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.keycardLeaving = true");
        for (int attempt = 1; ; attempt++) {
            try {
                find(css).click();
                break;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (attempt == 3) {
                    throw e;
                }
                try {
                    if (replaced()) {
                        break; // the click went through after all
                    }
                } catch (org.openqa.selenium.WebDriverException navigating) {
                    break; // the page is changing: the click went through
                }
            }
        }
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> replaced());
    }

    /** Whether the page {@link #click} left has been replaced by a loaded one. */
    private boolean replaced() {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
                "return window.keycardLeaving === undefined && document.readyState === 'complete'"));
    }

    private String heading() {
        return find("h1").getText();
    }

    /** The page at desktop and at phone width, as PNGs under target/console-screenshots. */
    private void screenshots(String name) throws IOException {
        Files.createDirectories(SHOTS);
        for (Object[] size : new Object[][] {{"desktop", new Dimension(1280, 900)}, {"phone", new Dimension(390, 844)}}) {
            browser.manage().window().setSize((Dimension) size[1]);
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve(name + "-" + size[0] + ".png"), png);
        }
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    void operatorWhenSignedInThenRegistersAnApiAndAClientRotatesDisablesTrimsAndSignsOut() throws IOException {
        Http http = start();
        String link = ConsoleHttpTest.link(http);
        browser.get(link);
        click("#sign-in");
        assertEquals("Overview", heading());

        go("/console/apis");
        type("identifier", JOBS);
        type("name", "Jobs");
        type("scopes", "jobs:read jobs:write");
        click("form[action='/console/apis'] button[type=submit]");
        assertTrue(find("table").getText().contains(JOBS), "the API is listed");
        screenshots("apis");

        go("/console/clients");
        type("name", "Batch worker");
        type("client_id", "batch");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("api"))).selectByValue(JOBS);
        type("scopes", "jobs:read jobs:write");
        click("form[method='post'][action='/console/clients'] button[type=submit]");
        assertEquals("Client registered", heading());
        WebElement copy = find("button.copy");
        assertTrue(copy.isDisplayed(), "the copy button shows where the script runs");
        String secret = find("#secret").getText();
        copy.click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> copy.getText().equals("Copied"));
        screenshots("secret-once");
        assertEquals(200, http.token("batch", secret, "grant_type", "client_credentials", "resource", JOBS,
                "scope", "jobs:read").statusCode(), "the secret from the page obtains a token");

        click("a[href='/console/clients/batch']");
        click("form[action='/console/clients/batch/rotate'] button");
        assertEquals("Secret rotated", heading());
        String second = find("#secret").getText();
        click("a[href='/console/clients/batch']");
        List<WebElement> secrets = browser.findElements(By.xpath("//h2[.='Secrets']/following-sibling::div[1]//tbody/tr"));
        assertEquals(2, secrets.size(), "both secrets are listed during the grace period");
        assertFalse(browser.getPageSource().contains(secret) || browser.getPageSource().contains(second),
                "no secret after its one display");

        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> {
            d.navigate().refresh();
            return d.getPageSource().contains("<li class=\"unused\"><code>jobs:write</code>")
                    && !d.getPageSource().contains("<li class=\"unused\"><code>jobs:read</code>");
        });
        screenshots("client");
        click("li.unused button[aria-label='Remove scope jobs:write from " + JOBS + "']");
        assertTrue(find(".notice").getText().contains("removed"));
        assertTrue(browser.findElements(By.cssSelector("button[aria-label='Remove scope jobs:write from " + JOBS + "']"))
                .isEmpty(), "the scope is gone from the page");
        assertEquals(400, http.token("batch", second, "grant_type", "client_credentials", "resource", JOBS,
                "scope", "jobs:write").statusCode(), "the removed scope is no longer granted");

        click("form[action='/console/clients/batch/disable'] button");
        assertEquals("disabled", find("#state").getText());
        assertEquals(401, http.token("batch", second, "grant_type", "client_credentials", "resource", JOBS)
                .statusCode(), "a disabled client gets no token");

        go("/console/keys");
        screenshots("keys");
        go("/console/clients");
        screenshots("clients");

        click("form.signout button");
        assertEquals("Keycard console", heading());
        go("/console/clients");
        assertTrue(browser.getPageSource().contains("not signed in") || browser.getPageSource().contains("session has ended"),
                "after sign-out the next page is refused");
        screenshots("signed-out");
    }

    @Test
    void operatorWhenSignedInThenReadsTheOverviewEditsAnApiFiltersTheAuditAndRemovesALeakedKey() throws IOException {
        Http http = start();
        http.createApi(JOBS, "ES256", "jobs:read", "jobs:write");
        String secret = http.createClient("batch", JOBS, "jobs:read").getString("client_secret");
        for (int i = 0; i < 5; i++) {
            http.token("batch", secret, "grant_type", "client_credentials", "resource", JOBS);
        }
        http.token("batch", "wrong", "grant_type", "client_credentials");
        browser.get(ConsoleHttpTest.link(http));
        click("#sign-in");
        assertTrue(find("#tokens").getText().contains("refused by this node"), find("#tokens").getText());
        assertTrue(find("#store").getText().startsWith("SQLite answers"));
        screenshots("overview");

        go("/console/apis");
        String edit = "/console/apis/" + Http.enc(JOBS);
        click("a[href='" + edit + "']");
        type("token_lifetime", "0");
        click("form[action='" + edit + "'] button[type=submit]");
        assertTrue(find("#token_lifetime-error").getText().startsWith("must be"), "the use case's message beside the field");
        type("token_lifetime", "600");
        type("scopes", "jobs:read");
        click("form[action='" + edit + "'] button[type=submit]");
        assertEquals("The API is changed.", find(".notice").getText());
        assertTrue(find("table").getText().contains("600 s"), find("table").getText());

        go("/console/audit");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("type"))).selectByVisibleText("admin.change");
        click("form.filters button[type=submit]");
        List<WebElement> types = browser.findElements(By.xpath("//tbody/tr/td[2]"));
        assertFalse(types.isEmpty(), "the console's change is in the audit");
        assertTrue(types.stream().allMatch(t -> t.getText().equals("admin.change")), "filtered by type");
        screenshots("audit");

        go("/console/keys");
        click("a[aria-label^='Remove key']");
        assertTrue(heading().startsWith("Remove key"), heading());
        String kid = find("h1 code").getText();
        screenshots("key-remove");
        click("button.danger");
        assertTrue(find(".notice").getText().contains("removed"), find(".notice").getText());
        assertFalse(http.get("/oauth2/jwks").body().contains(kid), "the leaked key is gone from the JWKS");
    }

    /**
     * The keyboard alone: Tab reaches the sign-in button and every control of a form in order,
     * each shows the console's focus ring, Enter submits; and every visible control has a label.
     */
    @Test
    void operatorWhenUsingOnlyTheKeyboardThenSignsInAndRegistersAnApi() {
        Http http = start();
        browser.get(ConsoleHttpTest.link(http));
        tabTo("sign-in");
        ((JavascriptExecutor) browser).executeScript("window.keycardLeaving = true");
        keys(Keys.ENTER);
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> replaced());
        assertEquals("Overview", heading());

        go("/console/apis");
        assertEquals("[]", ((JavascriptExecutor) browser).executeScript("""
                return JSON.stringify([...document.querySelectorAll('input, select, textarea')]
                    .filter(e => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label'))
                    .map(e => e.id || e.name));"""), "every control has a label");
        tabTo("identifier");
        assertFocusShown("identifier");
        keys(JOBS, Keys.TAB);
        assertFocusShown("name"); // Tab goes on in reading order
        keys("Jobs", Keys.TAB);
        assertFocusShown("scopes");
        ((JavascriptExecutor) browser).executeScript("window.keycardLeaving = true");
        keys("jobs:read", Keys.ENTER);
        new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> replaced());
        assertTrue(find("table").getText().contains(JOBS), "registered from the keyboard");
    }

    /** Types into whatever has the focus, as a keyboard does. */
    private void keys(CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    /** Presses Tab until the element with {@code id} has the focus (at most 60 times). */
    private void tabTo(String id) {
        for (int i = 0; i < 60; i++) {
            if (id.equals(browser.switchTo().activeElement().getAttribute("id"))) {
                return;
            }
            keys(Keys.TAB);
        }
        throw new AssertionError("Tab never reached #" + id);
    }

    /** The focus is on {@code id} and drawn with the console's ring. */
    private void assertFocusShown(String id) {
        WebElement focused = browser.switchTo().activeElement();
        assertEquals(id, focused.getAttribute("id"), "the focus");
        assertEquals("solid", focused.getCssValue("outline-style"), "the focus ring on #" + id);
    }

    @Test
    void linkWhenReusedOrExpiredThenRefused() {
        Http http = start();
        String link = ConsoleHttpTest.link(http);
        browser.get(link);
        click("#sign-in");
        assertEquals("Overview", heading());
        browser.manage().deleteAllCookies();
        browser.get(link);
        click("#sign-in");
        assertTrue(browser.getPageSource().contains("was used already"), "a reused link is refused");

        String late = ConsoleHttpTest.link(http);
        clock.advance(Duration.ofSeconds(61));
        browser.get(late);
        click("#sign-in");
        assertTrue(browser.getPageSource().contains("has expired"), "an expired link is refused");
        go("/console/");
        assertTrue(browser.getPageSource().contains("not signed in"));
    }

    @Test
    void crossSiteFormWhenPostedThenTheBrowserSendsNoCookieAndNothingChanges() throws IOException {
        Http http = start();
        browser.get(ConsoleHttpTest.link(http));
        click("#sign-in");
        // Another site (localhost is not 127.0.0.1 to the browser) posts to the console.
        Path attack = dir.resolve("attack.html");
        Files.writeString(attack, "<form id=f method=post action='" + server.baseUri().resolve("/console/clients")
                + "'><input name=name value=Evil><input name=client_id value=evil></form>"
                + "<script>document.getElementById('f').submit()</script>");
        browser.get(attack.toUri().toString());
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/console/clients"));
        assertTrue(browser.getPageSource().contains("not signed in"), "SameSite=Strict: no cookie went along");
        assertEquals(404, http.admin("GET", "/admin/v1/clients/evil", null).statusCode());
    }
}
