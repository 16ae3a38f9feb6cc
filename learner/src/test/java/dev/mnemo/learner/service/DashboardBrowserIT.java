package dev.mnemo.learner.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.Verdict;
import dev.mnemo.schemas.v1.Sample;
import dev.mnemo.schemas.v1.Verdict;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) driven by Selenium. While a stream of digits runs, the page's accuracy
 * chart grows; then the stream drifts (labels shifted by one, a concept change) and the learner's
 * drift watch raises a {@code CONCEPT_CHANGE} alert on the alerts topic; the alert appears in the open
 * list, is acknowledged through the page's button with the admin's credentials, and moves to the
 * acknowledged list.
 *
 * <p>The whole path is real: drift watch -> alerts topic -> {@link AlertFeed} -> {@link AlertBook}
 * -> event stream -> page -> admin API. A screenshot of the page with the open alert goes to
 * {@code learner/target/dashboard-alert.png}. Runs with {@code MNEMO_BROWSER_TEST=1}, which CI sets after
 * installing the packages ({@code scripts/browser-test} runs it alone).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(DashboardBrowserIT.OwnApplication.class)
@EnabledIfEnvironmentVariable(named = "MNEMO_BROWSER_TEST", matches = "1")
class DashboardBrowserIT {

    /**
     * An application of its own, with topics of its own (the test resource starts again with a new
     * prefix): the ten thousand samples this test streams would otherwise reach the learner that the
     * other service tests count on.
     */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @TestHTTPResource("/")
    URL dashboard;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    LearnerService service;

    @Inject
    AlertBook alerts;

    @Test
    void accuracyChartUpdatesAndADriftAlertIsAcknowledgedThroughThePage() throws Exception {
        awaitReady();
        AtomicBoolean drifted = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread stream = new Thread(() -> runStream(drifted, stop, sent), "demo-stream");
        stream.start();
        ChromeDriver browser = browser();
        try {
            browser.get(dashboard.toString());
            JavascriptExecutor js = browser;
            // The accuracy chart: points arrive once a second; the overall accuracy becomes a number.
            await("accuracy points", Duration.ofSeconds(60), () -> points(js) >= 3 && lastAccuracy(js) != null);
            long before = points(js);
            await("the chart to grow", Duration.ofSeconds(30), () -> points(js) >= before + 3);
            assertThat(lastAccuracy(js)).isBetween(0.0, 1.0);
            assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("RUNNING");

            // Drift: the labels shift by one from now on; the learner's drift watch raises the alert itself.
            // Let the model learn the digits first: a concept change is a rise of the error on inputs it knows.
            await("the model to learn the digits", Duration.ofSeconds(120),
                    () -> service.status().orElseThrow().windowAccuracy() > 0.85);
            assertThat(alerts.open()).as("no alert while the stream was stable").isEmpty();
            drifted.set(true);
            await("an alert from the learner's drift watch", Duration.ofSeconds(120), () -> !alerts.open().isEmpty());
            DriftAlert raised = alerts.open().get(0).alert();
            String alertId = raised.getAlertId();
            assertThat(raised.getVerdict()).as("evidence %s", raised.getEvidence()).isEqualTo(Verdict.CONCEPT_CHANGE);
            By openCard = By.cssSelector("#alerts-open .alert[data-alert-id='" + alertId + "']");
            await("the alert in the open list", Duration.ofSeconds(30), () -> !browser.findElements(openCard).isEmpty());
            WebElement card = browser.findElement(openCard);
            assertThat(card.getText()).contains("CONCEPT_CHANGE").contains("error:");
            assertThat(card.findElements(By.tagName("canvas"))).as("evidence and window charts").hasSizeGreaterThanOrEqualTo(2);
            Path shot = Path.of("target", "dashboard-alert.png");
            Files.write(shot, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            System.out.println("dashboard screenshot with the open alert: " + shot.toAbsolutePath());

            browser.findElement(By.id("user")).sendKeys("admin");
            browser.findElement(By.id("password")).sendKeys("mnemo-admin");
            card.findElement(By.cssSelector("button.ack")).click();
            By ackedCard = By.cssSelector("#alerts-acked .alert[data-alert-id='" + alertId + "']");
            await("the alert in the acknowledged list", Duration.ofSeconds(30),
                    () -> !browser.findElements(ackedCard).isEmpty() && browser.findElements(openCard).isEmpty());
            assertThat(browser.findElement(ackedCard).getText()).contains("acknowledged by admin");
            assertThat(alerts.get(alertId).orElseThrow().acknowledgedBy()).isEqualTo("admin");
            assertThat(sent.get()).isGreaterThan(0);
        } finally {
            browser.quit();
            stop.set(true);
            stream.join(10_000);
        }
    }

    private static ChromeDriver browser() {
        String driver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assertThat(Path.of(driver)).as("chromium-driver (apt-get install chromium-driver)").exists();
        assertThat(Files.isExecutable(Path.of(chromium))).as("chromium at %s", chromium).isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static long points(JavascriptExecutor js) {
        Object n = js.executeScript("return window.mnemoDashboard ? window.mnemoDashboard.charts.accuracy.data[0].length : 0;");
        return ((Number) n).longValue();
    }

    private static Double lastAccuracy(JavascriptExecutor js) {
        Object v = js.executeScript("const d = window.mnemoDashboard.charts.accuracy.data[1]; return d[d.length - 1];");
        return v == null ? null : ((Number) v).doubleValue();
    }

    /** Labelled digits, about 250 a second, labels shifted by one once {@code drifted} is set. */
    private void runStream(AtomicBoolean drifted, AtomicBoolean stop, AtomicInteger sent) {
        LabelledData digits = Datasets.digits();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; !stop.get(); i++) {
                int row = i % digits.labels().length;
                List<Float> features = new ArrayList<>();
                for (float f : digits.features()[row]) {
                    features.add(f);
                }
                int label = drifted.get() ? (digits.labels()[row] + 1) % 10 : digits.labels()[row];
                Sample s = Sample.newBuilder().setId("browser-" + i).setEventTime(Instant.now()).setFeatures(features)
                        .setLabel(label).build();
                producer.send(new ProducerRecord<>(service.topics().samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
                sent.incrementAndGet();
                if (i % 50 == 49) {
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    private static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && given().when().get("/q/health/ready").statusCode() != 200) {
            Thread.sleep(200);
        }
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
