package dev.mnemo.learner.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.mnemo.learner.checkpoint.CheckpointInfo;

/**
 * {@code GET /models/versions}: the model versions held by the kept checkpoints, newest first.
 * {@code POST /models/rollback/{version}}: go back to the model of a kept checkpoint, as a new
 * version whose parent is the chosen one (200 with it; 404 when no kept checkpoint holds the version;
 * 409 when checkpoints are off or the loop is not running).
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    /**
     * One checkpointed version.
     *
     * @param parent the model version of the checkpoint before it, or null for the first
     */
    public record VersionView(String modelName, long version, Long parent, long checkpoint, Instant createdAt,
                              String checkpointUri) {
    }

    @Inject
    LearnerService service;

    @Inject
    MnemoConfig config;

    /** Empty when checkpoints are off; only checkpoints whose manifest verifies are listed. */
    @GET
    @Path("/versions")
    public List<VersionView> versions() {
        return service.checkpointVersions().stream().map(this::view).toList();
    }

    @POST
    @Path("/rollback/{version}")
    public Response rollback(@PathParam("version") long version) throws InterruptedException {
        try {
            CheckpointInfo info = service.rollback(version).get(60, TimeUnit.SECONDS);
            return Response.ok(view(info)).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Response.Status status = cause instanceof NoSuchElementException ? Response.Status.NOT_FOUND
                    : cause instanceof IllegalStateException ? Response.Status.CONFLICT
                    : Response.Status.INTERNAL_SERVER_ERROR;
            return Response.status(status).entity(Map.of("error", String.valueOf(cause.getMessage()))).build();
        } catch (TimeoutException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", "the learner loop did not perform the rollback within 60 s")).build();
        }
    }

    private VersionView view(CheckpointInfo c) {
        return new VersionView(config.model().name(), c.modelVersion(), c.parentVersion() < 0 ? null : c.parentVersion(),
                c.sequence(), c.createdAt(), c.uri());
    }
}
