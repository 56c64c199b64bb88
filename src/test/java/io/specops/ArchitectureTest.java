package io.specops;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of the layout in the README, checked on the production classes. The decoding algorithm
 * stays testable with scripted models and free of I/O, and each infrastructure library is confined to the
 * packages that adapt it, so that replacing one (say, the metrics backend) touches one package.
 */
@AnalyzeClasses(packages = "io.specops", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule algorithmIsFreeOfInfrastructure = noClasses()
            .that()
            .resideInAnyPackage("io.specops.decoding..", "io.specops.ngram..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.kafka..", "ai.onnxruntime..", "ai.djl..", "io.micrometer..")
            .because("drafting, verifying and sampling run against the TargetModel interface alone");

    @ArchTest
    static final ArchRule kafkaStreamsOnlyInWorkerPackages = noClasses()
            .that()
            .resideOutsideOfPackages(
                    "io.specops.streams..",
                    "io.specops.kafka..",
                    "io.specops.client..",
                    "io.specops.cli..",
                    // The reliability cases run in-process workers and check their Kafka Streams state.
                    "io.specops.reliability..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.apache.kafka.streams..")
            .because("the worker topology, its clients and the embedded broker are the only Kafka Streams users");

    @ArchTest
    static final ArchRule micrometerOnlyInMetrics = noClasses()
            .that()
            .resideOutsideOfPackage("io.specops.metrics..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.micrometer..")
            .because("meters are registered in one place, so the rest of the code reports through plain interfaces");

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.specops.(*)..").should().beFreeOfCycles();
}
