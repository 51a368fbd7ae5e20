package dev.safemap.breaker.cache;

import java.lang.reflect.Type;
import java.util.Objects;

import dev.safemap.breaker.FallbackCacheSettings;
import dev.safemap.breaker.FallbackStore;
import dev.safemap.breaker.FallbackStoreFactory;
import dev.safemap.breaker.StoredValue;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * Keeps each fallback cache's last known good values in Redis through Spring Data Redis' cache, shared by every
 * instance of the application; entries expire at the cache's maximum staleness. Values are JSON
 * ({@link JsonStoredValueCodec}) read back as the value type the cache declares: Java serialization is neither
 * written nor read, so a value planted under the key prefix cannot choose a class to instantiate. A value that is
 * not a stored value of the declared type is refused ({@link dev.safemap.breaker.UnreadableStoredValueException}):
 * the fallback cache counts it and treats the key as a miss. Writes and evictions are done when they return (never
 * in the background), so an invalidated value cannot come back and a failed write reaches the fallback cache's WARN.
 * <p>
 * Thread-safety: immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisFallbackStoreFactory implements FallbackStoreFactory {

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	/**
	 * Creates the factory.
	 * @param connectionFactory the connection factory
	 * @param keyPrefix prefixed to every key, before the cache name (for example {@code safemap:breaker:})
	 */
	public RedisFallbackStoreFactory(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory must not be null");
		this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
	}

	/**
	 * Refuses: values in Redis are read back as a declared type only.
	 * @throws IllegalArgumentException always, naming the cache and the fix
	 */
	@Override
	public FallbackStore<Object> create(FallbackCacheSettings settings) {
		throw new IllegalArgumentException("Fallback cache '" + settings.name() + "' is stored in Redis as JSON and "
				+ "needs its value type: use fallbackCaches.cache(\"" + settings.name()
				+ "\", Price.class) (with your value type), or @FallbackCached, whose return type declares it");
	}

	@Override
	public FallbackStore<Object> create(FallbackCacheSettings settings, @Nullable Type valueType) {
		if (valueType == null) {
			return create(settings);
		}
		RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
			.disableCachingNullValues()
			.entryTtl(settings.maxStaleness())
			.computePrefixWith((cacheName) -> this.keyPrefix + cacheName + "::")
			.serializeValuesWith(RedisSerializationContext.SerializationPair
				.fromSerializer(new StoredValueSerializer(JsonStoredValueCodec.forType(valueType))));
		// immediate writes: Spring Data Redis would otherwise write in the background (with Lettuce), so a value
		// could land after a later invalidation, and a failed write would be lost without the cache's WARN
		RedisCacheWriter writer = RedisCacheWriter.create(this.connectionFactory,
				(writerConfig) -> writerConfig.immediateWrites());
		RedisCacheManager manager = RedisCacheManager.builder(writer)
			.cacheDefaults(configuration)
			.build();
		manager.afterPropertiesSet();
		return new SpringCacheFallbackStore(Objects.requireNonNull(manager.getCache(settings.name())));
	}

	@Override
	public String description() {
		return "redis";
	}

	/** Redis values of one cache: {@link StoredValue}s in JSON, nothing else. */
	private static final class StoredValueSerializer implements RedisSerializer<Object> {

		private final JsonStoredValueCodec codec;

		StoredValueSerializer(JsonStoredValueCodec codec) {
			this.codec = codec;
		}

		@Override
		public byte[] serialize(@Nullable Object value) {
			if (!(value instanceof StoredValue<?> entry)) {
				throw new SerializationException("A fallback cache stores only StoredValue records, not "
						+ ((value != null) ? value.getClass().getName() : "null"));
			}
			try {
				return this.codec.encode(entry);
			}
			catch (IllegalArgumentException ex) {
				throw new SerializationException(ex.getMessage(), ex);
			}
		}

		@Override
		public @Nullable Object deserialize(byte @Nullable [] bytes) {
			return (bytes != null) ? this.codec.decode(bytes) : null;
		}

	}

}
