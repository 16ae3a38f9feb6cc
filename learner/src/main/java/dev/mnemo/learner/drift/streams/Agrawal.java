package dev.mnemo.learner.drift.streams;

/**
 * The Agrawal loan-applicant stream: nine attributes of a person and ten classification functions
 * that decide whether the person is in group A (label 0) or group B (label 1).
 *
 * <h2>Method</h2>
 * Features, in this order (all drawn uniformly):
 * <ol start="0">
 *   <li>salary in [20,000, 150,000];</li>
 *   <li>commission: 0 if salary &gt;= 75,000, else in [10,000, 85,000];</li>
 *   <li>age, an integer in [20, 80];</li>
 *   <li>education level, an integer in [0, 4];</li>
 *   <li>car make, an integer in [1, 20];</li>
 *   <li>zip code, an integer in [0, 8];</li>
 *   <li>house value: (9 - zipcode) x 100,000 x a factor in [0.5, 1.5];</li>
 *   <li>years the house has been owned, an integer in [1, 30];</li>
 *   <li>loan in [0, 500,000].</li>
 * </ol>
 * Functions 0 to 9 (the paper's F1 to F10) label group A when:
 * <ol start="0">
 *   <li>age &lt; 40 or age &gt;= 60;</li>
 *   <li>by age band (&lt;40, 40-59, &gt;=60) salary is in [50k, 100k], [75k, 125k], [25k, 75k];</li>
 *   <li>by age band, education is in {0, 1}, {1, 2, 3}, {2, 3, 4};</li>
 *   <li>by age band and education: &lt;40: salary in [25k, 75k] if education in {0, 1}, else in
 *       [50k, 100k]; 40-59: [50k, 100k] if education in {1, 2, 3}, else [75k, 125k]; &gt;=60:
 *       [50k, 100k] if education in {2, 3, 4}, else [25k, 75k];</li>
 *   <li>by age band and salary: &lt;40: loan in [100k, 300k] if salary in [50k, 100k], else in
 *       [200k, 400k]; 40-59: [200k, 400k] if salary in [75k, 125k], else [300k, 500k]; &gt;=60:
 *       [300k, 500k] if salary in [25k, 75k], else [100k, 300k];</li>
 *   <li>by age band, salary + commission is in [50k, 100k], [75k, 125k], [25k, 75k];</li>
 *   <li>2/3 (salary + commission) - loan / 5 - 20,000 &gt; 0;</li>
 *   <li>2/3 (salary + commission) - 5,000 education - 20,000 &gt; 0;</li>
 *   <li>2/3 (salary + commission) - 5,000 education - loan / 5 - 10,000 &gt; 0;</li>
 *   <li>2/3 (salary + commission) - 5,000 education + equity / 5 - 10,000 &gt; 0, with equity =
 *       house value x (years - 20) / 10 when years &gt;= 20, else 0.</li>
 * </ol>
 * A drift switches the function; the input distribution stays the same. The paper's attribute
 * perturbation is not applied; use the {@code noise} argument for label noise instead.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Agrawal agrawal = Agrawal.abrupt(42, 0, 4, 1000);
 * double[] young = {60_000, 30_000, 30, 0, 1, 0, 500_000, 5, 150_000};
 * Agrawal.label(0, young);   // 0 (group A: age < 40)
 * Agrawal.label(4, young);   // 0 (age < 40, salary in [50k, 100k], loan in [100k, 300k])
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>R. Agrawal, T. Imielinski and A. Swami, "Database mining: a performance perspective", IEEE
 *       Transactions on Knowledge and Data Engineering 5(6), 914-925, 1993.</li>
 * </ul>
 */
public final class Agrawal extends DriftStream {

    /** Index of each feature in {@link Sample#x()}. */
    public static final int SALARY = 0;
    /** Feature index. */
    public static final int COMMISSION = 1;
    /** Feature index. */
    public static final int AGE = 2;
    /** Feature index. */
    public static final int ELEVEL = 3;
    /** Feature index. */
    public static final int CAR = 4;
    /** Feature index. */
    public static final int ZIPCODE = 5;
    /** Feature index. */
    public static final int HVALUE = 6;
    /** Feature index. */
    public static final int HYEARS = 7;
    /** Feature index. */
    public static final int LOAN = 8;

    private static final int FUNCTIONS = 10;

    /**
     * @param seed the seed
     * @param before function in [0, 9] before the drift
     * @param after function in [0, 9] after the drift
     * @param driftAt index of the first sample of {@code after}
     * @return an abrupt, noiseless Agrawal stream
     */
    public static Agrawal abrupt(long seed, int before, int after, long driftAt) {
        return new Agrawal(seed, before, after, driftAt, 0, 0.0);
    }

    /**
     * @param seed the seed
     * @param before function in [0, 9] before the drift
     * @param after function in [0, 9] after the drift
     * @param driftAt index of the drift (centre when gradual), at least 0
     * @param width 0 for abrupt, else the width of a gradual drift
     * @param noise label noise in [0, 1)
     * @throws IllegalArgumentException if a value is outside its range
     */
    public Agrawal(long seed, int before, int after, long driftAt, long width, double noise) {
        super(seed, requireConcept("before", before, FUNCTIONS), requireConcept("after", after, FUNCTIONS),
                driftAt, width, noise, 2);
    }

    private static boolean in(double v, double lo, double hi) {
        return lo <= v && v <= hi;
    }

    /**
     * The label of classification function {@code function}.
     *
     * @param function in [0, 9]
     * @param x the nine features
     * @return 0 for group A, 1 for group B
     * @throws IllegalArgumentException if {@code function} is outside [0, 9]
     */
    public static int label(int function, double[] x) {
        double salary = x[SALARY];
        double commission = x[COMMISSION];
        double age = x[AGE];
        double elevel = x[ELEVEL];
        double hvalue = x[HVALUE];
        double hyears = x[HYEARS];
        double loan = x[LOAN];
        boolean young = age < 40;
        boolean middle = age >= 40 && age < 60;
        boolean groupA = switch (function) {
            case 0 -> age < 40 || age >= 60;
            case 1 -> young ? in(salary, 50_000, 100_000)
                    : middle ? in(salary, 75_000, 125_000) : in(salary, 25_000, 75_000);
            case 2 -> young ? elevel == 0 || elevel == 1
                    : middle ? elevel >= 1 && elevel <= 3 : elevel >= 2 && elevel <= 4;
            case 3 -> young
                    ? (elevel == 0 || elevel == 1 ? in(salary, 25_000, 75_000) : in(salary, 50_000, 100_000))
                    : middle
                    ? (elevel >= 1 && elevel <= 3 ? in(salary, 50_000, 100_000) : in(salary, 75_000, 125_000))
                    : (elevel >= 2 && elevel <= 4 ? in(salary, 50_000, 100_000) : in(salary, 25_000, 75_000));
            case 4 -> young
                    ? (in(salary, 50_000, 100_000) ? in(loan, 100_000, 300_000) : in(loan, 200_000, 400_000))
                    : middle
                    ? (in(salary, 75_000, 125_000) ? in(loan, 200_000, 400_000) : in(loan, 300_000, 500_000))
                    : (in(salary, 25_000, 75_000) ? in(loan, 300_000, 500_000) : in(loan, 100_000, 300_000));
            case 5 -> {
                double total = salary + commission;
                yield young ? in(total, 50_000, 100_000)
                        : middle ? in(total, 75_000, 125_000) : in(total, 25_000, 75_000);
            }
            case 6 -> 2.0 * (salary + commission) / 3.0 - loan / 5.0 - 20_000 > 0;
            case 7 -> 2.0 * (salary + commission) / 3.0 - 5_000 * elevel - 20_000 > 0;
            case 8 -> 2.0 * (salary + commission) / 3.0 - 5_000 * elevel - loan / 5.0 - 10_000 > 0;
            case 9 -> {
                double equity = hyears >= 20 ? hvalue * (hyears - 20) / 10.0 : 0.0;
                yield 2.0 * (salary + commission) / 3.0 - 5_000 * elevel + equity / 5.0 - 10_000 > 0;
            }
            default -> throw new IllegalArgumentException("function must be in [0, 9], got " + function);
        };
        return groupA ? 0 : 1;
    }

    @Override
    protected double[] features() {
        double salary = 20_000 + 130_000 * rng.nextDouble();
        double commission = salary >= 75_000 ? 0.0 : 10_000 + 75_000 * rng.nextDouble();
        double age = 20 + rng.nextInt(61);
        double elevel = rng.nextInt(5);
        double car = 1 + rng.nextInt(20);
        double zipcode = rng.nextInt(9);
        double hvalue = (9 - zipcode) * 100_000 * (0.5 + rng.nextDouble());
        double hyears = 1 + rng.nextInt(30);
        double loan = 500_000 * rng.nextDouble();
        return new double[] {salary, commission, age, elevel, car, zipcode, hvalue, hyears, loan};
    }

    @Override
    protected int conceptLabel(int function, double[] x) {
        return Agrawal.label(function, x);
    }
}
