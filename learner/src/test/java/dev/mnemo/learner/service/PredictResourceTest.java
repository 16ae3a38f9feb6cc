package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.Predictions;

/** The logic of {@code POST /predict} without HTTP: answers equal {@link Classifier#predict}, bad requests are named. */
class PredictResourceTest {

    private static final Classifier MODEL = Classifier.create(new MlpSpec(6, List.of(5), 3, 1e-3, 1.0, 3L));

    @Test
    void answersWhatThePredictionsAre() {
        SplittableRandom random = new SplittableRandom(1L);
        float[][] x = new float[4][6];
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextDouble();
            }
        }
        PredictResource.PredictResponse r = PredictResource.answer(MODEL, new PredictResource.PredictRequest(List.of(x)));
        Predictions p = MODEL.predict(x);
        assertThat(r.modelVersion()).isEqualTo(MODEL.version());
        assertThat(r.predictions()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(r.predictions().get(i).predictedClass()).isEqualTo(p.predictedClass()[i]);
            assertThat(r.predictions().get(i).probabilities()).containsExactly(p.probabilities()[i]);
        }
    }

    @Test
    void namesWhatIsWrongWithABadRequest() {
        assertThatThrownBy(() -> PredictResource.answer(MODEL, new PredictResource.PredictRequest(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one row");
        assertThatThrownBy(() -> PredictResource.answer(MODEL, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one row");
        assertThatThrownBy(() -> PredictResource.answer(MODEL,
                new PredictResource.PredictRequest(List.of(new float[6], new float[5]))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 1 has 5 features, the model takes 6");
        List<float[]> nulls = new ArrayList<>();
        nulls.add(null);
        assertThatThrownBy(() -> PredictResource.answer(MODEL, new PredictResource.PredictRequest(nulls)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 0 has 0 features, the model takes 6");
        float[] nan = new float[6];
        nan[2] = Float.NaN;
        assertThatThrownBy(() -> PredictResource.answer(MODEL, new PredictResource.PredictRequest(List.of(nan))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 0 feature 2 is not finite");
        List<float[]> tooMany = Collections.nCopies(PredictResource.MAX_ROWS + 1, new float[6]);
        assertThatThrownBy(() -> PredictResource.answer(MODEL, new PredictResource.PredictRequest(tooMany)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + PredictResource.MAX_ROWS);
    }
}
