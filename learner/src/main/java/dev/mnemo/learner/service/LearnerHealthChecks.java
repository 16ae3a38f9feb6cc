package dev.mnemo.learner.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.mnemo.learner.stream.LearnerStatus;

/**
 * Health of the learner. Kafka reachability is reported by the Kafka client extension's own
 * readiness check; these add the model and the loop.
 */
public final class LearnerHealthChecks {

    private LearnerHealthChecks() {
    }

    /** Ready when the model is built and the loop is consuming. */
    @Readiness
    @ApplicationScoped
    public static class ModelReady implements HealthCheck {
        @Inject
        LearnerService service;

        @Override
        public HealthCheckResponse call() {
            var builder = HealthCheckResponse.named("mnemo-model");
            if (!service.enabled()) {
                return builder.up().withData("loop", "disabled").build();
            }
            LearnerStatus s = service.status().orElseThrow();
            builder.withData("state", s.state()).withData("modelVersion", s.modelVersion());
            if (service.startupError() != null) {
                builder.withData("startup", service.startupError());
            }
            return "RUNNING".equals(s.state()) ? builder.up().build() : builder.down().build();
        }
    }

    /** Alive while the loop thread runs and has not failed; a failed loop needs a restart. */
    @Liveness
    @ApplicationScoped
    public static class LoopAlive implements HealthCheck {
        @Inject
        LearnerService service;

        @Override
        public HealthCheckResponse call() {
            var builder = HealthCheckResponse.named("mnemo-learner-loop");
            service.status().ifPresent(s -> {
                builder.withData("state", s.state());
                if (s.error() != null) {
                    builder.withData("error", s.error());
                }
            });
            return service.alive() ? builder.up().build() : builder.down().build();
        }
    }
}
