package dev.safemap.autoconfigure.compensation;

import java.nio.file.Path;
import java.time.Instant;

import dev.safemap.compensation.CompensationRequest;
import dev.safemap.compensation.jdbc.JdbcCompensationStore;

/**
 * The process killed by {@link CompensationCrashTests#concurrentEnqueuesAcknowledgedJustBeforeASigkillAreNotLost}:
 * {@code EnqueueCrashChild <directory> <threads>} enqueues on the embedded store from several threads without end
 * and prints {@code ACK <key>} after each enqueue returned.
 */
public final class EnqueueCrashChild {

	private EnqueueCrashChild() {
	}

	public static void main(String[] args) throws Exception {
		JdbcCompensationStore store = JdbcCompensationStore.embedded(Path.of(args[0]),
				JdbcCompensationStore.DEFAULT_TABLE);
		int threads = Integer.parseInt(args[1]);
		System.out.println("READY");
		for (int t = 0; t < threads; t++) {
			int thread = t;
			Thread writer = new Thread(() -> {
				for (int i = 0;; i++) {
					String key = "t" + thread + "-" + i;
					store.enqueue(CompensationRequest.of("t#m()", "[" + i + "]").withIdempotencyKey(key), Instant.now());
					System.out.println("ACK " + key); // System.out flushes every line
				}
			});
			writer.start();
		}
		Thread.sleep(Long.MAX_VALUE);
	}

}
