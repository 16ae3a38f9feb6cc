package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Activations;

/**
 * The energy score: {@code E(x) = -T log sum_c exp(z_c / T)} over the pre-softmax logits
 * {@code z}. In-distribution inputs get lower energy (larger logits), so higher energy means more
 * novel. Unlike the maximum softmax probability it keeps the overall size of the logits, which a
 * softmax divides away. Computed in double precision with the usual max shift.
 *
 * <pre>{@code
 * double[] e = new Energy().score(model.activations(batch));      // T = 1
 * }</pre>
 *
 * <h2>References</h2>
 * W. Liu, X. Wang, J. D. Owens and Y. Li, "Energy-based Out-of-distribution Detection", NeurIPS
 * 2020.
 */
public final class Energy implements OodScorer {

    /** Default temperature. */
    public static final double DEFAULT_TEMPERATURE = 1.0;

    private final double temperature;

    /** With temperature 1. */
    public Energy() {
        this(DEFAULT_TEMPERATURE);
    }

    /**
     * @param temperature the temperature {@code T}, finite and &gt; 0
     * @throws IllegalArgumentException if {@code temperature} is outside that range
     */
    public Energy(double temperature) {
        if (!(temperature > 0.0 && temperature < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return "energy";
    }

    @Override
    public double[] score(Activations activations) {
        float[][] z = activations.logits();
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = energy(z[i], temperature);
        }
        return out;
    }

    /**
     * @param logits one sample's logits
     * @param temperature the temperature, &gt; 0
     * @return {@code -T logsumexp(z / T)}
     */
    public static double energy(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v / temperature);
        }
        double sum = 0.0;
        for (float v : logits) {
            sum += Math.exp(v / temperature - max);
        }
        return -temperature * (max + Math.log(sum));
    }

    /** @return the temperature */
    public double temperature() {
        return temperature;
    }

    @Override
    public String toString() {
        return "Energy[T=" + temperature + "]";
    }
}
