package dev.safemap;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The core packages are plain Java: Spring lives only in the auto-configuration and actuator
 * packages, so the core stays testable with plain JUnit.
 */
class ArchitectureTests {

	private static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.safemap");

	@Test
	void corePackagesDoNotDependOnSpring() {
		noClasses().that()
			.resideInAnyPackage("dev.safemap.guard..", "dev.safemap.breaker..", "dev.safemap.compensation..",
					"dev.safemap.context..", "dev.safemap.hotspots..", "dev.safemap.support..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..")
			.allowEmptyShould(true)
			.check(MAIN);
	}

	@Test
	void coreIsFoundWhereExpected() {
		// guards the rule above against passing vacuously because the import found nothing
		noClasses().that()
			.resideInAPackage("dev.safemap.guard..")
			.should()
			.haveSimpleName("NoSuchClassAnywhere")
			.check(MAIN);
		org.assertj.core.api.Assertions.assertThat(MAIN.containPackage("dev.safemap.guard")).isTrue();
	}

}
