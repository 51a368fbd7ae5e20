package dev.safemap.test.arch;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.safemap.test.arch.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeMapArchRulesTests {

	private static final JavaClasses FIXTURES = new ClassFileImporter().importPackagesOf(Fixtures.class);

	@Test
	void singletonRuleFlagsFinalHashMapsMapsInitialisedWithHashMapsAndNonFinalFields() {
		assertThat(flaggedFields(SafeMapArchRules.noMutableMapFieldsInSingletons(
				"dev.safemap.test.arch.fixtures.Fixtures$Singleton.okListed")))
			.containsExactlyInAnyOrder("flaggedFinalHashMap", "flaggedFinalMapOfHashMap", "flaggedNonFinal",
					"flaggedInConfiguration");
	}

	@Test
	void singletonRuleWithoutAcceptedListFlagsTheListedFieldToo() {
		assertThat(flaggedFields(SafeMapArchRules.NO_MUTABLE_MAP_FIELDS_IN_SINGLETONS)).contains("okListed");
	}

	@Test
	void staticRuleFlagsStaticMutableAndNonFinalMaps() {
		assertThat(flaggedFields(SafeMapArchRules.NO_STATIC_MUTABLE_MAPS))
			.containsExactlyInAnyOrder("FLAGGED_STATIC", "flaggedStaticNonFinal");
	}

	@Test
	void violationExplainsTheProblemAndTheFix() {
		EvaluationResult result = SafeMapArchRules.NO_MUTABLE_MAP_FIELDS_IN_SINGLETONS.evaluate(FIXTURES);
		assertThat(result.getFailureReport().getDetails()).anySatisfy((line) -> assertThat(line)
			.contains("flaggedFinalHashMap> is declared as java.util.HashMap, a mutable map that is not thread-safe")
			.contains("Fix: hold a ConcurrentHashMap"));
		assertThat(result.getFailureReport().getDetails()).anySatisfy((line) -> assertThat(line)
			.contains("flaggedFinalMapOfHashMap> is initialised with a new java.util.HashMap (line "));
	}

	private static List<String> flaggedFields(ArchRule rule) {
		Pattern field = Pattern.compile("Field <[^>]*\\.([A-Za-z_]+)>");
		return rule.evaluate(FIXTURES).getFailureReport().getDetails().stream().map((line) -> {
			Matcher matcher = field.matcher(line);
			assertThat(matcher.find()).as(line).isTrue();
			return matcher.group(1);
		}).toList();
	}

}
