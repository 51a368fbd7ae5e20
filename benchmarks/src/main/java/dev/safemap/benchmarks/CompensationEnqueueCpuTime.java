package dev.safemap.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * CPU time of the calling thread per durable enqueue at one thread, embedded store as shipped ({@code h2}) against
 * the same H2 file database committing every enqueue through {@code JdbcCompensationStore.create}
 * ({@code h2-unbatched}), interleaved in one JVM. Beside {@link CompensationBenchmark}'s throughput: on a machine
 * shared with other work, the wall time of an enqueue is mostly waiting for a core, its CPU time much less so.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.safemap.benchmarks.CompensationEnqueueCpuTime [ops] [rounds]}
 * (default 2,000 enqueues per round, 10 rounds, the first half discarded as warm-up); prints the median.
 */
public final class CompensationEnqueueCpuTime {

	private static final String TARGET = "stockClient#reserve(com.example.Reservation)";

	private static final String ARGUMENTS = "[{\"orderId\":\"0b6f2a4e-6b1c-4f0e-9d57-3f1f5d2c9e10\",\"sku\":\"apple\",\"quantity\":2}]";

	private CompensationEnqueueCpuTime() {
	}

	public static void main(String[] args) throws Exception {
		int ops = (args.length > 0) ? Integer.parseInt(args[0]) : 2_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Path shipped = Files.createTempDirectory("safemap-cpu-h2");
		Path unbatchedDir = Files.createTempDirectory("safemap-cpu-h2-unbatched");
		JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + unbatchedDir.resolve("compensation")
				+ ";WRITE_DELAY=0;FILE_LOCK=FS;RETENTION_TIME=0;PAGE_SIZE=8192;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
		pool.setMaxConnections(8);
		try (JdbcCompensationStore h2 = JdbcCompensationStore.embedded(shipped, JdbcCompensationStore.DEFAULT_TABLE);
				JdbcCompensationStore unbatched = JdbcCompensationStore.create(pool,
						JdbcCompensationStore.DEFAULT_TABLE)) {
			unbatched.initializeSchema();
			List<Double> h2Cpu = new ArrayList<>();
			List<Double> unbatchedCpu = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				for (JdbcCompensationStore store : List.of(h2, unbatched)) {
					long cpu = threads.getCurrentThreadCpuTime();
					long wall = System.nanoTime();
					for (int i = 0; i < ops; i++) {
						store.enqueue(CompensationRequest.of(TARGET, ARGUMENTS), Instant.now());
					}
					double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / ops;
					double wallMicros = (System.nanoTime() - wall) / 1e3 / ops;
					String name = (store == h2) ? "h2" : "h2-unbatched";
					System.out.printf("round %d %-13s cpu %6.0f us/op  wall %6.0f us/op%n", round, name, cpuMicros,
							wallMicros);
					if (round >= rounds / 2) {
						((store == h2) ? h2Cpu : unbatchedCpu).add(cpuMicros);
					}
				}
			}
			double a = median(h2Cpu);
			double b = median(unbatchedCpu);
			System.out.printf("median cpu per enqueue: h2 %.0f us, h2-unbatched %.0f us, ratio %.2f%n", a, b, a / b);
		}
		finally {
			pool.dispose();
			for (Path dir : List.of(shipped, unbatchedDir)) {
				try (Stream<Path> files = Files.walk(dir)) {
					files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
				}
			}
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

}
