package dev.safemap.test.rate;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import dev.safemap.guard.GuardMode;
import dev.safemap.guard.GuardedMap;
import dev.safemap.guard.GuardedMapRegistry;
import dev.safemap.guard.RaceReport;
import dev.safemap.test.Concurrently;
import dev.safemap.test.Perturbation;
import dev.safemap.test.RaceWatch;

/**
 * Runs each {@link MapPattern} many times with {@link Concurrently} on a fresh detect-mode map and counts
 * the runs that reported a race. Also a main method: {@code DetectionRate [runs]} prints the table.
 */
final class DetectionRate {

	/** The outcome of the runs of one pattern. */
	record Result(MapPattern pattern, int runs, int racyFound, int correctFalseReports,
			Map<RaceReport.Kind, Integer> kinds, long millis) {

		String row() {
			return "| " + this.pattern.title + " | " + this.pattern.threads + " x " + this.pattern.rounds + " | "
					+ this.racyFound + " / " + this.runs + " | " + this.correctFalseReports + " / " + this.runs + " | "
					+ kindsText() + " | " + this.millis + " |";
		}

		private String kindsText() {
			StringBuilder text = new StringBuilder();
			this.kinds.forEach((kind, count) -> text.append((text.length() > 0) ? ", " : "").append(kind).append(' ').append(count));
			return text.toString();
		}

	}

	static final String HEADER = "| pattern | threads x rounds per run | racy runs with a report | correct runs with a report"
			+ " | kinds seen in racy runs (runs) | ms for both |\n|---|---|---|---|---|---|";

	private DetectionRate() {
	}

	static Result measure(MapPattern pattern, int runs) {
		long start = System.nanoTime();
		int found = 0;
		int falseReports = 0;
		Map<RaceReport.Kind, Integer> kinds = new EnumMap<>(RaceReport.Kind.class);
		for (int run = 0; run < runs; run++) {
			GuardedMapRegistry registry = new GuardedMapRegistry();
			GuardedMap<String, Long> map = GuardedMap.builder("racy-" + run)
				.mode(GuardMode.DETECT)
				.observer(Perturbation.yieldBeforeWrites())
				.registry(registry)
				.wrap(pattern.backing.get());
			RaceWatch watch = RaceWatch.start(registry);
			Concurrently.run(pattern.threads, pattern.rounds, (thread, round) -> pattern.racy(map, thread, round));
			if (watch.raceCount() > 0) {
				found++;
				watch.reports().stream().map(RaceReport::kind).distinct().forEach((kind) -> kinds.merge(kind, 1, Integer::sum));
			}
			GuardedMapRegistry correctRegistry = new GuardedMapRegistry();
			GuardedMap<String, Long> correctMap = GuardedMap.builder("correct-" + run)
				.mode(GuardMode.DETECT)
				.observer(Perturbation.yieldBeforeWrites())
				.registry(correctRegistry)
				.wrap(pattern.backing.get());
			Object lock = new Object();
			RaceWatch correctWatch = RaceWatch.start(correctRegistry);
			Concurrently.run(pattern.threads, pattern.rounds,
					(thread, round) -> pattern.correct(correctMap, lock, thread, round));
			if (correctWatch.raceCount() > 0) {
				falseReports++;
			}
		}
		return new Result(pattern, runs, found, falseReports, kinds, (System.nanoTime() - start) / 1_000_000);
	}

	public static void main(String[] args) {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		Map<MapPattern, Result> results = new TreeMap<>();
		for (MapPattern pattern : MapPattern.values()) {
			results.put(pattern, measure(pattern, runs));
		}
		System.out.println(HEADER);
		results.values().forEach((result) -> System.out.println(result.row()));
	}

}
