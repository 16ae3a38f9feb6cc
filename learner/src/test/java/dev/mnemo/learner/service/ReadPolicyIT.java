package dev.mnemo.learner.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code mnemo.security.read-policy=authenticated} closes the read-only endpoints to anonymous
 * callers (401) and opens them to any known user, while the health probes stay open and the admin
 * API still needs the role admin. The loop is off: only the HTTP layer is under test.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(ReadPolicyIT.ReadClosed.class)
class ReadPolicyIT {

    /** Read-only endpoints for known users only; no learner loop. */
    public static class ReadClosed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mnemo.security.read-policy", "authenticated", "mnemo.learner.enabled", "false");
        }
    }

    @Test
    void readOnlyEndpointsNeedAKnownUserWhenClosed() {
        for (String path : new String[] {"/", "/status", "/alerts", "/events/snapshot", "/models/versions", "/q/metrics"}) {
            assertThat(given().when().get(path).statusCode()).as("anonymous GET %s", path).isEqualTo(401);
            assertThat(given().auth().preemptive().basic("viewer", "wrong").when().get(path).statusCode())
                    .as("wrong password, GET %s", path).isEqualTo(401);
            assertThat(given().auth().preemptive().basic("viewer", "mnemo-viewer").when().get(path).statusCode())
                    .as("known user, GET %s", path).isEqualTo(200);
        }
        assertThat(given().when().get("/q/health/live").statusCode()).as("liveness stays open").isEqualTo(200);
        assertThat(given().when().post("/admin/learning/pause").statusCode()).as("anonymous admin call").isEqualTo(401);
        assertThat(given().auth().preemptive().basic("viewer", "mnemo-viewer").when().post("/admin/learning/pause")
                .statusCode()).as("admin call without the role").isEqualTo(403);
    }
}
