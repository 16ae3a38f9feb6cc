package dev.mnemo.learner.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;

/**
 * {@code POST /predict}: class probabilities for a batch of feature vectors, from the serving copy
 * of the model (refreshed by the loop; the network being trained is never used here).
 */
@Path("/predict")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PredictResource {

    /** Maximum rows in one request, to bound memory per call. */
    static final int MAX_ROWS = 4096;

    /** The body, read by {@link PredictRequestReader}. */
    public record PredictRequest(List<float[]> features) {
    }

    public record Row(int predictedClass, float[] probabilities) {
    }

    public record PredictResponse(long modelVersion, List<Row> predictions) {
    }

    public record Problem(String error) {
    }

    @Inject
    LearnerService service;

    @POST
    public Response predict(PredictRequest request) {
        try {
            checkShape(request);
            Classifier model = service.servingModel().orElse(null);
            if (model == null) {
                return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .entity(new Problem("the learner loop is disabled; no model is served")).build();
            }
            return Response.ok(answer(model, request)).build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    /**
     * What {@code POST /predict} answers for a request when {@code model} serves: the resource's
     * logic without HTTP, for the endpoint and for {@code ServingBench}.
     *
     * @throws IllegalArgumentException with the message of the 400 answer, if the request is malformed
     */
    static PredictResponse answer(Classifier model, PredictRequest request) {
        checkShape(request);
        int inputs = model.spec().inputs();
        float[][] x = new float[request.features().size()][];
        for (int i = 0; i < x.length; i++) {
            float[] row = request.features().get(i);
            if (row == null || row.length != inputs) {
                throw new IllegalArgumentException("row " + i + " has " + (row == null ? 0 : row.length)
                        + " features, the model takes " + inputs);
            }
            for (int j = 0; j < row.length; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("row " + i + " feature " + j + " is not finite");
                }
            }
            x[i] = row;
        }
        Predictions p = model.predict(x);
        List<Row> rows = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            rows.add(new Row(p.predictedClass()[i], p.probabilities()[i]));
        }
        return new PredictResponse(model.version(), rows);
    }

    private static void checkShape(PredictRequest request) {
        if (request == null || request.features() == null || request.features().isEmpty()) {
            throw new IllegalArgumentException("body must be {\"features\": [[...], ...]} with at least one row");
        }
        if (request.features().size() > MAX_ROWS) {
            throw new IllegalArgumentException("at most " + MAX_ROWS + " rows per request, got "
                    + request.features().size());
        }
    }

    private static Response bad(String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(new Problem(message)).build();
    }
}
