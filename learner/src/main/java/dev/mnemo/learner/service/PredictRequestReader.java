package dev.mnemo.learner.service;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

/**
 * Reads {@code POST /predict} bodies: {@link FeatureRows} straight from the bytes when the body has
 * the documented shape, else the application's Jackson mapper, with the answers Quarkus's own JSON
 * reader gives (an empty body is null; malformed JSON is 400).
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class PredictRequestReader implements MessageBodyReader<PredictResource.PredictRequest> {

    private final ObjectReader jackson;

    @Inject
    public PredictRequestReader(ObjectMapper mapper) {
        this.jackson = mapper.readerFor(PredictResource.PredictRequest.class);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == PredictResource.PredictRequest.class;
    }

    @Override
    public PredictResource.PredictRequest readFrom(Class<PredictResource.PredictRequest> type, Type genericType,
            Annotation[] annotations, MediaType mediaType, MultivaluedMap<String, String> httpHeaders,
            InputStream entityStream) throws IOException {
        return read(entityStream.readAllBytes());
    }

    /** The request in {@code body}, or null for an empty one. */
    PredictResource.PredictRequest read(byte[] body) throws IOException {
        if (body.length == 0) {
            return null;
        }
        List<float[]> rows = FeatureRows.read(body);
        if (rows != null) {
            return new PredictResource.PredictRequest(rows);
        }
        // As Quarkus's JSON reader: mismatches go to its exception mapper, parse errors are 400.
        try {
            return jackson.readValue(body);
        } catch (MismatchedInputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No content")) {
                return null;
            }
            throw e;
        } catch (InvalidDefinitionException e) {
            throw e;
        } catch (StreamReadException | DatabindException e) {
            throw new WebApplicationException(e, Response.Status.BAD_REQUEST);
        }
    }
}
