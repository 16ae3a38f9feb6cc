package dev.mnemo.learner.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.stream.LearnerLoop;
import dev.mnemo.schemas.v1.AdminEvent;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The admin API, under {@code /admin}: acknowledge alerts, pause and resume learning, promote or
 * roll back a model version, pin a version so that it outlives {@code mnemo.checkpoint.keep} (and
 * unpin it), and change the strategy parameters that are safe to change at run
 * time. Every call needs the role {@code admin} (401 without credentials or with wrong ones, 403
 * for a user without the role), and every call that reaches an action, successful or not, is
 * recorded as an {@link AdminEvent} on the {@code admin.events} topic; the response carries the
 * event id ({@code auditEventId}, null when the event could not be written).
 *
 * <pre>
 * curl -u admin:PASSWORD -X POST localhost:8080/admin/learning/pause
 * curl -u admin:PASSWORD -X POST localhost:8080/admin/models/1200/pin
 * curl -u admin:PASSWORD -X PUT -H 'Content-Type: application/json' -d '{"replaySize": 128}' localhost:8080/admin/strategy
 * </pre>
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "admin", description = "Operator actions; role admin; each recorded on the admin.events topic")
@SecurityRequirement(name = "SecurityScheme")
public class AdminResource {

    /** How long a request waits for the loop thread to perform a queued action. */
    static final long LOOP_WAIT_SECONDS = 60;

    /**
     * The answer to a successful action.
     *
     * @param action the action, as recorded
     * @param target what it applied to
     * @param result what the action returned
     * @param auditEventId the id of the recorded {@link AdminEvent}, null if it could not be written
     */
    public record ActionResult(String action, String target, Object result, String auditEventId) {
    }

    /** The answer to a refused or failed action. */
    public record ActionError(String action, String target, String error, String auditEventId) {
    }

    /**
     * New values of strategy parameters; a missing field is left unchanged.
     *
     * @param replaySize replayed samples per training step (strategies with replay), at least 1
     * @param lwfLambda weight of the distillation term (strategies with LwF), in [0, 1]
     */
    public record StrategyUpdate(Integer replaySize, Double lwfLambda) {
    }

    @Inject
    LearnerService service;

    @Inject
    AlertBook alerts;

    @Inject
    AdminEvents events;

    @Inject
    SecurityIdentity identity;

    @Inject
    MnemoConfig config;

    @POST
    @Path("/alerts/{id}/ack")
    @Operation(summary = "Acknowledge an open alert", description = "Moves the alert to the acknowledged list, "
            + "with who acknowledged it and when. Acknowledging twice keeps the first acknowledgement.")
    @APIResponse(responseCode = "200", description = "acknowledged")
    @APIResponse(responseCode = "404", description = "no alert with that id is held")
    public Response acknowledge(@PathParam("id") String id) {
        return act("alert.acknowledge", id, details -> {
            AlertBook.Entry e = alerts.acknowledge(id, who());
            details.put("verdict", String.valueOf(e.alert().getVerdict()));
            details.put("acknowledgedAt", String.valueOf(e.acknowledgedAt()));
            return AlertsResource.view(e);
        });
    }

    @POST
    @Path("/learning/pause")
    @Operation(summary = "Pause learning", description = "The loop goes on consuming, predicting and scoring; "
            + "it stops taking training steps until resumed. Not kept across restarts.")
    @APIResponse(responseCode = "200", description = "paused (also when it already was)")
    @APIResponse(responseCode = "409", description = "the learner loop is disabled")
    public Response pause() {
        return pauseOrResume(true);
    }

    @POST
    @Path("/learning/resume")
    @Operation(summary = "Resume learning", description = "Training steps start again with the next batch.")
    @APIResponse(responseCode = "200", description = "learning (also when it already was)")
    @APIResponse(responseCode = "409", description = "the learner loop is disabled")
    public Response resume() {
        return pauseOrResume(false);
    }

    @POST
    @Path("/models/{version}/promote")
    @Operation(summary = "Promote a model version to serving", description = "The current version (pause learning "
            + "first to hold it still) serves at once and, with checkpoints on, is checkpointed and published on the "
            + "models topic. A version held by a kept checkpoint is brought back as a rollback, under a new version.")
    @APIResponse(responseCode = "200", description = "the version now serving")
    @APIResponse(responseCode = "404", description = "the version is neither current nor kept")
    @APIResponse(responseCode = "409", description = "the loop is disabled or stopping")
    public Response promote(@PathParam("version") long version) {
        return act("model.promote", target(version), details -> {
            LearnerLoop.Promotion p = await(service.promote(version));
            details.put("serving", String.valueOf(p.version()));
            if (p.checkpoint() != null) {
                details.put("checkpoint", String.valueOf(p.checkpoint().sequence()));
            }
            return p.checkpoint() == null ? Map.of("modelVersion", p.version())
                    : Map.of("modelVersion", p.version(), "checkpoint", ModelsResource.view(config, p.checkpoint(),
                            service.isPinned(p.checkpoint())));
        });
    }

    @POST
    @Path("/models/rollback/{version}")
    @Operation(summary = "Roll back to a kept model version", description = "The loop loads the parameters of the "
            + "kept checkpoint under a NEW version whose parent is {version}, checkpoints and publishes it.")
    @APIResponse(responseCode = "200", description = "the new version")
    @APIResponse(responseCode = "404", description = "no kept checkpoint holds the version")
    @APIResponse(responseCode = "409", description = "checkpoints are off or the loop is not running")
    public Response rollback(@PathParam("version") long version) {
        return act("model.rollback", target(version), details -> {
            CheckpointInfo info = await(service.rollback(version));
            details.put("newVersion", String.valueOf(info.modelVersion()));
            details.put("checkpoint", String.valueOf(info.sequence()));
            return ModelsResource.view(config, info, service.isPinned(info));
        });
    }

    @POST
    @Path("/models/{version}/pin")
    @Operation(summary = "Pin a kept model version", description = "The newest kept checkpoint of the version is "
            + "kept whatever mnemo.checkpoint.keep says, so a rollback can still reach it; the pin is kept on disk "
            + "across restarts. Pinning a pinned version changes nothing.")
    @APIResponse(responseCode = "200", description = "the pinned version")
    @APIResponse(responseCode = "404", description = "no kept checkpoint holds the version")
    @APIResponse(responseCode = "409", description = "checkpoints are off or the loop is disabled")
    public Response pin(@PathParam("version") long version) {
        return act("model.pin", target(version), details -> {
            CheckpointInfo info = service.pin(version);
            details.put("checkpoint", String.valueOf(info.sequence()));
            return ModelsResource.view(config, info, true);
        });
    }

    @DELETE
    @Path("/models/{version}/pin")
    @Operation(summary = "Unpin a model version", description = "Its kept checkpoints follow "
            + "mnemo.checkpoint.keep again from the next checkpoint on.")
    @APIResponse(responseCode = "200", description = "unpinned (also when it was not pinned)")
    @APIResponse(responseCode = "404", description = "no kept checkpoint holds the version")
    @APIResponse(responseCode = "409", description = "checkpoints are off or the loop is disabled")
    public Response unpin(@PathParam("version") long version) {
        return act("model.unpin", target(version), details -> {
            boolean was = service.unpin(version);
            details.put("wasPinned", String.valueOf(was));
            return Map.of("modelVersion", version, "wasPinned", was, "pinned", false);
        });
    }

    @PUT
    @Path("/strategy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change strategy parameters at run time", description = "Only the parameters that are "
            + "safe to change while learning: replaySize (replay strategies) and lwfLambda (LwF strategies). Both are "
            + "applied by the loop thread between batches, or neither. Not kept across restarts.")
    @APIResponse(responseCode = "200", description = "the values before and after")
    @APIResponse(responseCode = "400", description = "no parameter given, or a value out of range")
    @APIResponse(responseCode = "409", description = "the strategy has no such parameter, or the loop is disabled")
    public Response strategy(StrategyUpdate update) {
        String target = config.strategy().name();
        if (update == null || (update.replaySize() == null && update.lwfLambda() == null)) {
            return Response.status(Response.Status.BAD_REQUEST).entity(new ActionError("strategy.update", target,
                    "body must be {\"replaySize\": n} and/or {\"lwfLambda\": x}", null)).build();
        }
        return act("strategy.update", target, details -> {
            Map<String, String> applied = await(service.changeStrategy(
                    new LearnerLoop.StrategyChange(update.replaySize(), update.lwfLambda())));
            details.putAll(applied);
            return applied;
        });
    }

    private Response pauseOrResume(boolean paused) {
        return act(paused ? "learning.pause" : "learning.resume", "learner", details -> {
            details.put("wasPaused", String.valueOf(service.learningPaused()));
            service.pauseLearning(paused);
            details.put("paused", String.valueOf(paused));
            return Map.of("learningPaused", paused);
        });
    }

    @FunctionalInterface
    private interface Action {
        Object perform(Map<String, String> details) throws Exception;
    }

    /** Performs the action, records it (outcome ok or the error) and maps errors to statuses. */
    private Response act(String action, String target, Action body) {
        Map<String, String> details = new LinkedHashMap<>();
        try {
            Object result = body.perform(details);
            AdminEvent event = events.publish(who(), action, target, details, "ok");
            return Response.ok(new ActionResult(action, target, result, event == null ? null : event.getEventId()))
                    .build();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            Response.Status status = cause instanceof NoSuchElementException ? Response.Status.NOT_FOUND
                    : cause instanceof IllegalArgumentException ? Response.Status.BAD_REQUEST
                    : cause instanceof IllegalStateException ? Response.Status.CONFLICT
                    : cause instanceof TimeoutException ? Response.Status.SERVICE_UNAVAILABLE
                    : Response.Status.INTERNAL_SERVER_ERROR;
            String message = cause instanceof TimeoutException
                    ? "the learner loop did not perform the action within " + LOOP_WAIT_SECONDS + " s"
                    : String.valueOf(cause.getMessage());
            AdminEvent event = events.publish(who(), action, target, details, message);
            return Response.status(status)
                    .entity(new ActionError(action, target, message, event == null ? null : event.getEventId())).build();
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(LOOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private String target(long version) {
        return config.model().name() + "@" + version;
    }

    private String who() {
        return identity.getPrincipal().getName();
    }
}
