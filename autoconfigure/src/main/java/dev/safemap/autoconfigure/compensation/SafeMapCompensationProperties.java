package dev.safemap.autoconfigure.compensation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration of the async compensation queue ({@code safemap.compensation.*}).
 * <p>
 * Thread-safety: bound once at startup, then only read; not thread-safe for concurrent modification.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("safemap.compensation")
public class SafeMapCompensationProperties {

	/**
	 * Whether to enable the compensation queue and the @Compensable interceptor.
	 */
	private boolean enabled = true;

	/**
	 * How often the replay worker looks for due entries (it also wakes when a breaker leaves the open state).
	 */
	private Duration pollInterval = Duration.ofSeconds(2);

	/**
	 * How long a claimed entry is reserved for the instance replaying it; renewed every third of it while the entry
	 * is replayed. Entries of a crashed instance are replayed by others once it expires.
	 */
	private Duration lease = Duration.ofMinutes(2);

	/**
	 * Maximum number of entries claimed at once.
	 */
	private int batchSize = 50;

	/**
	 * How many entries of a claim are replayed at the same time (1 to 64). A claim holds at most one entry per
	 * ordering key, so entries of one key are still replayed one at a time, in order; 1 replays on the worker thread
	 * alone.
	 */
	private int replayThreads = 4;

	/**
	 * Failed attempts after which an entry goes to dead letters.
	 */
	private int maxAttempts = 10;

	/**
	 * Age after which an entry that fails again goes to dead letters.
	 */
	private Duration maxAge = Duration.ofDays(1);

	/**
	 * How long replayed entries are kept for inspection before they are deleted.
	 */
	private Duration doneRetention = Duration.ofHours(1);

	/**
	 * How long an entry whose target this instance does not know (a bean or @Compensable method that a rolling
	 * deploy removed or renamed) waits for an instance that knows it, or a CompensationMigration bean, before it
	 * goes to dead letters. Zero sends it to dead letters at once.
	 */
	private Duration unknownTargetWait = Duration.ofHours(1);

	private final Backoff backoff = new Backoff();

	private final Store store = new Store();

	private final Endpoint endpoint = new Endpoint();

	private final Health health = new Health();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public int getReplayThreads() {
		return this.replayThreads;
	}

	public void setReplayThreads(int replayThreads) {
		this.replayThreads = replayThreads;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

	public Duration getUnknownTargetWait() {
		return this.unknownTargetWait;
	}

	public void setUnknownTargetWait(Duration unknownTargetWait) {
		this.unknownTargetWait = unknownTargetWait;
	}

	public Duration getDoneRetention() {
		return this.doneRetention;
	}

	public void setDoneRetention(Duration doneRetention) {
		this.doneRetention = doneRetention;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	public Store getStore() {
		return this.store;
	}

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * Exponential backoff with jitter between attempts (Resilience4j {@code IntervalFunction}). Bound at startup,
	 * then only read.
	 *
	 * @since 0.1.0
	 */
	public static class Backoff {

		/**
		 * Wait after the first failed attempt.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor applied to the wait after each further failure.
		 */
		private double multiplier = 2.0;

		/**
		 * Random spread of each wait, from 0 (none) to 1 (plus or minus 100%).
		 */
		private double randomizationFactor = 0.5;

		/**
		 * Longest wait between two attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(5);

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getRandomizationFactor() {
			return this.randomizationFactor;
		}

		public void setRandomizationFactor(double randomizationFactor) {
			this.randomizationFactor = randomizationFactor;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * Where the queue is stored. Bound at startup, then only read.
	 *
	 * @since 0.1.0
	 */
	public static class Store {

		/**
		 * Which store to use: auto (the application's DataSource when there is one, else embedded), embedded or
		 * jdbc.
		 */
		private StoreType type = StoreType.AUTO;

		/**
		 * Directory of the embedded store (an H2 database in file mode), created at startup.
		 */
		private String directory = "./.safemap/compensation";

		/**
		 * Table holding the queue, optionally schema-qualified.
		 */
		private String tableName = "safemap_compensation";

		/**
		 * When to create the table in the application's DataSource at startup if it does not exist, as Spring Boot's
		 * JDBC-backed modules take it: always, embedded (only in an in-memory database) or never (migrations manage
		 * it; the SQL ships as dev/safemap/compensation/schema-*.sql). The embedded store on local disk always
		 * creates its own table.
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public String getDirectory() {
			return this.directory;
		}

		public void setDirectory(String directory) {
			this.directory = directory;
		}

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

	/**
	 * Kind of compensation store. Enum constants are immutable and thread-safe.
	 *
	 * @since 0.1.0
	 */
	public enum StoreType {

		/** The application's DataSource when there is one, else embedded. */
		AUTO,

		/** Embedded H2 database in file mode under the store directory (one process). */
		EMBEDDED,

		/** The application's DataSource (shared by all instances on PostgreSQL). */
		JDBC

	}

	/**
	 * The {@code compensations} actuator endpoint. Bound at startup, then only read.
	 *
	 * @since 0.1.0
	 */
	public static class Endpoint {

		// keys and arguments are shown by safemap.masking.show-keys

	}

	/**
	 * Health indicator thresholds. Bound at startup, then only read.
	 *
	 * @since 0.1.0
	 */
	public static class Health {

		/**
		 * Age of the oldest waiting entry above which health is DEGRADED.
		 */
		private Duration maxOldestPendingAge = Duration.ofMinutes(15);

		/**
		 * Number of dead letters above which health is DEGRADED.
		 */
		private long maxDead = 0;

		public Duration getMaxOldestPendingAge() {
			return this.maxOldestPendingAge;
		}

		public void setMaxOldestPendingAge(Duration maxOldestPendingAge) {
			this.maxOldestPendingAge = maxOldestPendingAge;
		}

		public long getMaxDead() {
			return this.maxDead;
		}

		public void setMaxDead(long maxDead) {
			this.maxDead = maxDead;
		}

	}

}
