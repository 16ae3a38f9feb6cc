package dev.mnemo.learner.service;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
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
 * {@code GET /models/versions}: the model versions held by the kept checkpoints, newest first,
 * each saying whether it is pinned ({@code POST /admin/models/{version}/pin}: kept whatever
 * {@code mnemo.checkpoint.keep} says, until {@code DELETE /admin/models/{version}/pin}).
 * {@code POST /models/rollback/{version}}: go back to the model of a kept checkpoint, as a new
 * version whose parent is the chosen one (200 with it; 404 when no kept checkpoint holds the version;
 * 409 when checkpoints are off or the loop is not running). The rollback needs the role {@code admin}
 * and is recorded like every action of {@link AdminResource}, which also serves it under
 * {@code /admin/models/rollback/{version}}.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    /**
     * One checkpointed version.
     *
     * @param parent the model version of the checkpoint before it, or null for the first
     * @param pinned whether an operator pinned it, so that it outlives {@code mnemo.checkpoint.keep}
     */
    public record VersionView(String modelName, long version, Long parent, long checkpoint, Instant createdAt,
                              String checkpointUri, boolean pinned) {
    }

    @Inject
    LearnerService service;

    @Inject
    MnemoConfig config;

    @Inject
    AdminResource admin;

    /** Empty when checkpoints are off; only checkpoints whose manifest verifies are listed. */
    @GET
    @Path("/versions")
    public List<VersionView> versions() {
        return service.checkpointVersions().stream().map(this::view).toList();
    }

    /** The same action as {@code POST /admin/models/rollback/{version}}: role admin, recorded. */
    @POST
    @Path("/rollback/{version}")
    @RolesAllowed("admin")
    public Response rollback(@PathParam("version") long version) {
        return admin.rollback(version);
    }

    private VersionView view(CheckpointInfo c) {
        return view(config, c, service.isPinned(c));
    }

    static VersionView view(MnemoConfig config, CheckpointInfo c, boolean pinned) {
        return new VersionView(config.model().name(), c.modelVersion(), c.parentVersion() < 0 ? null : c.parentVersion(),
                c.sequence(), c.createdAt(), c.uri(), pinned);
    }
}
