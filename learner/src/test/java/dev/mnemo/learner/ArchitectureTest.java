package dev.mnemo.learner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.mnemo.learner.strategy.ContinualStrategy;

/**
 * The layering of the learner module, checked on its compiled classes (every dependency: imports,
 * fully qualified names, signatures, calls), as DESIGN.md states it:
 * <ul>
 *   <li>the learning core ({@value #ROOT}{@code .engine}, {@code model}, {@code strategy},
 *       {@code drift}, {@code ood}, {@code uncertainty}, {@code eval}, {@code watch},
 *       {@code checkpoint}) knows neither Kafka, Quarkus, Jakarta, SmallRye nor the adapters
 *       ({@code stream}, {@code service});</li>
 *   <li>{@code history} (historical replay, a plain main class) knows neither the frameworks nor the
 *       live adapters;</li>
 *   <li>only {@code model} touches Deeplearning4j, ND4J and their natives;</li>
 *   <li>{@code drift} is plain Java: the JDK and itself;</li>
 *   <li>only {@code service} touches Quarkus, Jakarta, SmallRye and MicroProfile;</li>
 *   <li>only the adapters hold Kafka clients;</li>
 *   <li>nothing outside {@code strategy} names a concrete strategy: strategies own their state and
 *       settings, so checkpoints and loops go through {@link ContinualStrategy}.</li>
 * </ul>
 * Every rule must match classes, so a renamed package fails here instead of passing unchecked.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.mnemo.learner";

    /** The learning core: plain Java over DL4J/ND4J, testable without a broker. */
    private static final List<String> CORE = List.of("engine", "model", "strategy", "drift", "ood", "uncertainty",
            "eval", "watch", "checkpoint");

    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "io.smallrye..",
        "org.eclipse.microprofile.."};
    private static final String[] ADAPTERS = {ROOT + ".stream..", ROOT + ".service.."};
    private static final String[] DEEPLEARNING4J = {"org.deeplearning4j..", "org.nd4j..", "org.bytedeco.."};

    private static final JavaClasses LEARNER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    static List<String> core() {
        return CORE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("core")
    void theCoreKnowsNeitherKafkaNorTheFrameworksNorTheAdapters(String pkg) {
        noClasses().that().resideInAPackage(ROOT + "." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(new String[] {"org.apache.kafka.."},
                        FRAMEWORKS, ADAPTERS))
                .check(LEARNER);
    }

    @Test
    void historyKnowsNeitherTheFrameworksNorTheLiveAdapters() {
        noClasses().that().resideInAPackage(ROOT + ".history..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(FRAMEWORKS, ADAPTERS))
                .check(LEARNER);
    }

    /**
     * Only {@code model} and its sub-packages touch Deeplearning4j and ND4J (today's truth: no
     * exception; {@code ood} and {@code uncertainty} work on the arrays {@code model} returns).
     */
    @Test
    void onlyModelTouchesDeeplearning4j() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".model..")
                .should().dependOnClassesThat().resideInAnyPackage(DEEPLEARNING4J)
                .check(LEARNER);
    }

    @Test
    void driftIsPlainJava() {
        classes().that().resideInAPackage(ROOT + ".drift..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", ROOT + ".drift..")
                .check(LEARNER);
    }

    @Test
    void onlyServiceTouchesQuarkusJakartaSmallRyeAndMicroProfile() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".service..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .check(LEARNER);
    }

    /**
     * Kafka clients live in the adapters: {@code stream} (the live loop) and {@code history} (the
     * range reader of historical replay); {@code service} too, today, for the admin-events producer
     * ({@code AdminEvents}) and the alert feed's consumer ({@code AlertFeed}).
     */
    @Test
    void onlyTheAdaptersHoldKafkaClients() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".stream..", ROOT + ".history..", ROOT + ".service..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(LEARNER);
    }

    /**
     * Strategies own their state and settings; nothing outside {@code strategy} names {@code Lwf},
     * {@code Replay}, {@code FineTuning}, {@code ActiveClasses}, {@code JointTraining} or any other
     * implementation of {@link ContinualStrategy}, nor their nested types ({@code Lwf.Settings}).
     */
    @Test
    void nothingOutsideStrategyNamesAConcreteStrategy() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".strategy..")
                .should().dependOnClassesThat(CONCRETE_STRATEGY)
                .check(LEARNER);
    }

    private static final DescribedPredicate<JavaClass> CONCRETE_STRATEGY =
            new DescribedPredicate<>("are concrete continual strategies or nested in one") {
                @Override
                public boolean test(JavaClass c) {
                    return isConcreteStrategy(c) || c.getEnclosingClass().map(ArchitectureTest::isConcreteStrategy)
                            .orElse(false);
                }
            };

    private static boolean isConcreteStrategy(JavaClass c) {
        return c.isAssignableTo(ContinualStrategy.class) && !c.isInterface()
                && !c.getModifiers().contains(JavaModifier.ABSTRACT);
    }

    private static String[] concat(String[]... groups) {
        return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    /**
     * The rules are not vacuous: the same kind of rule, pointed at the adapters, sees their Kafka
     * and strategy dependencies and fails.
     */
    @Test
    void theRulesSeeAViolationWhereThereIsOne() {
        assertThatThrownBy(() -> noClasses().that().resideInAPackage(ROOT + ".stream..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..").check(LEARNER))
                .isInstanceOf(AssertionError.class).hasMessageContaining("LearnerLoop");
        assertThatThrownBy(() -> noClasses().that().resideInAPackage(ROOT + ".strategy..")
                .should().dependOnClassesThat(CONCRETE_STRATEGY).check(LEARNER))
                .isInstanceOf(AssertionError.class);
    }
}
