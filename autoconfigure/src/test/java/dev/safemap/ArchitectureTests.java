package dev.safemap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.safemap.compensation.CompensationContext;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout of the library, one home per feature: plain-Java core packages ({@code guard}, {@code hotspots},
 * {@code breaker}, {@code compensation}, {@code context}), Spring-facing packages beside them ({@code aop},
 * {@code web}, {@code beans}, {@code breaker.cache}, {@code compensation.jdbc}, {@code actuate.*}), and
 * {@code autoconfigure.*} holding only auto-configurations and properties, used by nothing else.
 */
class ArchitectureTests {

	private static final String[] CORE = { "dev.safemap.guard", "dev.safemap.hotspots", "dev.safemap.breaker",
			"dev.safemap.compensation", "dev.safemap.context", "dev.safemap.support", "dev.safemap.jfr" };

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.safemap");

	@Test
	void corePackagesDoNotDependOnSpring() {
		noClasses().that()
			.resideInAnyPackage(CORE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..")
			.check(MAIN);
	}

	@Test
	void corePackagesDoNotDependOnTheSpringFacingPackages() {
		noClasses().that()
			.resideInAnyPackage(CORE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.safemap.aop..", "dev.safemap.web..", "dev.safemap.beans..",
					"dev.safemap.actuate..", "dev.safemap.autoconfigure..", "dev.safemap.breaker.cache..",
					"dev.safemap.compensation.jdbc..")
			.check(MAIN);
	}

	/**
	 * A replay reaches the bean method one way, through the replay handler, which applies the breaker itself:
	 * the Spring-facing code never branches on the thread-local replay flag (it is information for users).
	 */
	@Test
	void springFacingCodeDoesNotBranchOnTheReplayFlag() {
		noClasses().that()
			.resideInAPackage("dev.safemap.aop..")
			.should()
			.callMethod(CompensationContext.class, "isReplaying")
			.check(MAIN);
	}

	@Test
	void autoConfigurationIsUsedByNothingButItself() {
		noClasses().that()
			.resideOutsideOfPackage("dev.safemap.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.safemap.autoconfigure..")
			.check(MAIN);
	}

	@Test
	void autoConfigurationSelectsByConditionsNotByClassPresenceChecks() {
		// optional dependencies are chosen by @ConditionalOnClass on nested configurations, as Boot does
		noClasses().that()
			.resideInAPackage("dev.safemap.autoconfigure..")
			.should()
			.callMethod(org.springframework.util.ClassUtils.class, "isPresent", String.class, ClassLoader.class)
			.check(MAIN);
	}

	@Test
	void autoConfigurationPublishesOnlyAutoConfigurationsAndProperties() {
		classes().that()
			.resideInAPackage("dev.safemap.autoconfigure..")
			.and()
			.arePublic()
			.and()
			.areTopLevelClasses()
			.should()
			.haveSimpleNameEndingWith("AutoConfiguration")
			.orShould()
			.haveSimpleNameEndingWith("Properties")
			.check(MAIN);
	}

	@Test
	void autoConfigurationsAreFinalAndPublic() {
		classes().that()
			.resideInAPackage("dev.safemap.autoconfigure..")
			.and()
			.areAnnotatedWith(org.springframework.boot.autoconfigure.AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(JavaModifier.FINAL)
			.check(MAIN);
	}

	@Test
	void defaultImplementationsAreNotPublic() {
		classes().that()
			.haveSimpleNameStartingWith("Default")
			.should()
			.notBePublic()
			.check(MAIN);
	}

	@Test
	void productionCodeNamesNoExampleOrBenchmarkPackage() throws IOException {
		Path classes = Path.of("target/classes/dev/safemap");
		assertThat(classes).isDirectory();
		List<String> naming;
		try (Stream<Path> files = Files.walk(classes)) {
			naming = files.filter((file) -> file.toString().endsWith(".class")).filter((file) -> {
				String content = read(file);
				return content.contains("dev.safemap.example") || content.contains("dev/safemap/example")
						|| content.contains("dev.safemap.benchmarks") || content.contains("dev/safemap/benchmarks");
			}).map(Path::toString).toList();
		}
		assertThat(naming).isEmpty();
	}

	@Test
	void rulesSeeTheWholeLibrary() {
		// guards the rules above against passing vacuously because the import found nothing
		for (String pkg : List.of("dev.safemap.guard", "dev.safemap.hotspots", "dev.safemap.breaker",
				"dev.safemap.breaker.cache", "dev.safemap.compensation", "dev.safemap.compensation.jdbc",
				"dev.safemap.context", "dev.safemap.aop", "dev.safemap.web", "dev.safemap.beans",
				"dev.safemap.actuate.hotspots", "dev.safemap.autoconfigure.guard", "dev.safemap.diagnostics", "dev.safemap.jfr")) {
			assertThat(MAIN.containPackage(pkg)).as(pkg).isTrue();
		}
		assertThat(MAIN.that(DescribedPredicate.describe("auto-configurations",
				(JavaClass type) -> type.isAnnotatedWith(org.springframework.boot.autoconfigure.AutoConfiguration.class))))
			.hasSizeGreaterThanOrEqualTo(5);
	}

	private static String read(Path file) {
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
