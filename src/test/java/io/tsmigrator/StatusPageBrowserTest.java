package io.tsmigrator;

import io.tsmigrator.control.ControlTable;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.ChildJvm;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.Http;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page in a real headless Chromium (Debian's chromium and chromium-driver, which
 * {@code .ci/run} installs) during a real run: the bars move, Pause holds the run, a dead letter is
 * replayed with its button, Resume lets the run finish with the SQL pivot. Saves the screenshot the
 * manual shows (docs/status-page.png).
 */
class StatusPageBrowserTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);
    private static final String TOKEN = "page-" + Long.toHexString(System.nanoTime());
    private static final Path SCREENSHOT = Path.of("docs", "status-page.png");

    @Test
    void thePageFollowsARunPausesReplaysADeadLetterAndResumes() throws Exception {
        TestDb db = new TestDb();
        Fleet.create(db, SOURCE, List.of(41, 42, 43), CHANNELS, 2);
        // one window of ship 41 is refused by the wide table until the trigger is dropped: one dead letter
        db.execute("CREATE TABLE " + WIDE + " (ship_id integer NOT NULL, created_time timestamptz NOT NULL,"
                        + " ch_1 double precision, ch_2 double precision, ch_3 double precision, PRIMARY KEY (ship_id, created_time))",
                "CREATE FUNCTION tenant.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.ship_id = 41 AND NEW.created_time >= '2024-03-01 00:10:00+00' AND NEW.created_time < '2024-03-01 00:11:00+00'"
                        + " THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '23514'; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER refuse BEFORE INSERT ON " + WIDE + " FOR EACH ROW EXECUTE FUNCTION tenant.refuse()");
        // slow enough to watch (about 10,800 narrow rows: over a minute): a throttle set before the start applies from the first claim
        ControlSchema schema = new ControlSchema("migrator");
        schema.create(db.dataSource());
        ControlTable controls = new ControlTable(db.dataSource(), schema, WIDE);
        controls.throttle(150L, null);
        // and paused, so that the browser (slow to start on a busy machine) sees the run from its beginning
        controls.pause(true);
        Http http = new Http(Http.freePort());
        ChildJvm run = ChildJvm.start(db.runArgs("--migrator.chunk-size=PT1M", "--migrator.parallelism=2",
                "--camel.server.port=" + http.port(), "--migrator.http.token=" + TOKEN));
        WebDriver browser = null;
        try {
            Await.until("the HTTP server", Duration.ofSeconds(180), () -> http.up() || !run.process().isAlive());
            assertTrue(run.process().isAlive(), run.output());
            browser = chromium();
            browser.get("http://127.0.0.1:" + http.port() + "/");
            WebDriver page = browser;
            page.findElement(By.id("token")).sendKeys(TOKEN);

            Await.until("the ships' bars", Duration.ofSeconds(60), () -> !page.findElements(By.cssSelector(".ship[data-ship='43']")).isEmpty());
            Await.until("the page to say paused", Duration.ofSeconds(20), () -> page.findElement(By.id("state")).getText().equalsIgnoreCase("paused"));
            int before = done(page);
            assertEquals(0, before, "nothing is done while paused");
            page.findElement(By.id("resume")).click();
            Await.until("the bars to move", Duration.ofSeconds(60), () -> done(page) > before);
            Await.until("the dead letter on the page", Duration.ofSeconds(60),
                    () -> !page.findElements(By.cssSelector("#deadletters button.replay")).isEmpty());

            page.findElement(By.id("pause")).click();
            Await.until("the page to say paused again", Duration.ofSeconds(60), () -> page.findElement(By.id("state")).getText().equalsIgnoreCase("paused"));
            assertTrue(controls.read().paused());
            Await.until("the chunks in progress to finish", Duration.ofSeconds(60),
                    () -> db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'RUNNING'") == 0);
            assertTrue(db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'PENDING'") > 0, "paused before the end");
            // the picture for the manual: a run paused part-way, its dead letter waiting for a replay
            Await.until("the chunk map to be drawn", Duration.ofSeconds(20), () -> !page.findElement(By.id("mapfrom")).getText().isEmpty());
            Await.until("the bars to show the pause", Duration.ofSeconds(20),
                    () -> done(page) == db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'"));
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, ((org.openqa.selenium.TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));

            db.execute("DROP TRIGGER refuse ON " + WIDE);
            long letter = clickReplay(page);
            Await.until("the dead letter to leave the open list", Duration.ofSeconds(20),
                    () -> page.findElements(By.cssSelector("#deadletters button.replay[data-id='" + letter + "']")).isEmpty());
            assertEquals("PENDING", db.scalar("SELECT c.status FROM migrator.chunk c JOIN migrator.dead_letter d ON d.chunk_id = c.id WHERE d.id = ?", letter));

            page.findElement(By.id("resume")).click();
            assertEquals(0, run.await(400), run.output());
        } finally {
            if (browser != null) {
                browser.quit();
            }
            run.process().destroyForcibly();
        }
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
        assertEquals("done", db.scalar("SELECT replay_outcome FROM migrator.dead_letter"));
        assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot was saved");
        assertFalse(run.output().contains(TOKEN), "the token is never printed");
    }

    /** Chunks done of the ship with the most, as its bar shows. */
    /**
     * The page redraws its dead letters at every refresh: a button found just before a redraw is
     * detached by the click (which then does nothing), so it is looked up again.
     */
    private static long clickReplay(WebDriver page) {
        for (int attempt = 1; ; attempt++) {
            try {
                WebElement replay = page.findElement(By.cssSelector("#deadletters button.replay"));
                long letter = Long.parseLong(replay.getAttribute("data-id"));
                replay.click();
                return letter;
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static int done(WebDriver page) {
        return page.findElements(By.cssSelector(".ship")).stream().mapToInt(e -> {
            String done = e.getAttribute("data-done");
            return done == null ? 0 : Integer.parseInt(done);
        }).sum();
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }
}
