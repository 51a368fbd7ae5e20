package dev.safemap.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextCustomizer;
import dev.safemap.context.RequestContextPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link RequestContext} of a web request from the allow-listed headers, the request
 * id and the {@link RequestContextCustomizer customizers}; shared by the servlet filter and the
 * WebFilter. Built with {@link #builder()}, which checks every setting with an
 * {@link IllegalArgumentException} naming the bad value. Credential headers ({@code Authorization},
 * {@code Cookie}, ...) are never copied: an allow-listed one is left out.
 * <p>
 * Thread-safety: immutable after construction and thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestContextFactory {

	private static final Logger logger = LoggerFactory.getLogger(RequestContextFactory.class);

	/** Default header carrying the request id: {@value}. */
	public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-Id";

	/** RFC 7230 section 3.2.6 token: the syntax of a header field name. */
	private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

	private final RequestContextPolicy policy;

	private final String[] headerNames;

	private final String[] headerKeys;

	private final String requestIdHeader;

	private final boolean generateRequestId;

	private final List<RequestContextCustomizer> customizers;

	private RequestContextFactory(Builder builder) {
		this.policy = builder.policy;
		List<String> headers = builder.headerNames.stream()
			.filter((name) -> !name.equalsIgnoreCase(builder.requestIdHeader))
			.toList();
		this.headerNames = headers.toArray(new String[0]);
		this.headerKeys = headers.stream()
			.map((name) -> name.toLowerCase(Locale.ROOT))
			.toArray(String[]::new);
		this.requestIdHeader = builder.requestIdHeader;
		this.generateRequestId = builder.generateRequestId;
		this.customizers = List.copyOf(builder.customizers);
	}

	/**
	 * Starts a factory with the default policy, no allow-listed header, the request id in
	 * {@value #DEFAULT_REQUEST_ID_HEADER} and generated when missing, no customizer.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the policy every context follows */
	public RequestContextPolicy policy() {
		return this.policy;
	}

	/** @return the header that carries the request id */
	public String requestIdHeader() {
		return this.requestIdHeader;
	}

	/** @return the allow-listed headers actually copied (credential headers and the request id header removed) */
	public List<String> headerNames() {
		return List.of(this.headerNames);
	}

	/**
	 * Builds the context of one request.
	 * @param request the incoming request
	 * @return the context, with the request id under {@link RequestContext#REQUEST_ID}
	 */
	public RequestContext create(RequestContextCustomizer.IncomingRequest request) {
		RequestContext.Builder builder = RequestContext.builder(this.policy);
		String requestId = request.header(this.requestIdHeader);
		if (requestId != null) {
			builder.put(RequestContext.REQUEST_ID, requestId);
		}
		if (this.generateRequestId && !hasText(builder, requestId)) {
			builder.put(RequestContext.REQUEST_ID, UUID.randomUUID().toString());
		}
		String[] names = this.headerNames;
		for (int i = 0; i < names.length; i++) {
			builder.putIfNotNull(this.headerKeys[i], request.header(names[i]));
		}
		for (RequestContextCustomizer customizer : this.customizers) {
			customizer.customize(builder, request);
		}
		return builder.build();
	}

	private static boolean hasText(RequestContext.Builder builder, @Nullable String requestId) {
		// the builder stored the sanitized id; a header that was empty or only control characters is "absent"
		return requestId != null && builder.containsKey(RequestContext.REQUEST_ID)
				&& !RequestContextPolicy.removeControlCharacters(requestId).isBlank();
	}

	/**
	 * Builds a {@link RequestContextFactory}; each setter checks its value.
	 * <p>
	 * Thread-safety: not thread-safe; use from one thread.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private RequestContextPolicy policy = RequestContextPolicy.defaults();

		private final List<String> headerNames = new ArrayList<>();

		private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;

		private boolean generateRequestId = true;

		private final List<RequestContextCustomizer> customizers = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Sets the policy every context follows (default: {@link RequestContextPolicy#defaults()}).
		 * @param policy the policy
		 * @return this builder
		 * @throws NullPointerException if policy is null
		 */
		public Builder policy(RequestContextPolicy policy) {
			this.policy = Objects.requireNonNull(policy, "policy must not be null");
			return this;
		}

		/**
		 * Adds an allow-listed header, copied into every context under its lower-case name. A credential header
		 * is left out (logged at debug level), as are the request id header and a header already added (in any
		 * case).
		 * @param name an HTTP header name (RFC 7230 token)
		 * @return this builder
		 * @throws IllegalArgumentException if the name is null or not a header name
		 */
		public Builder header(@Nullable String name) {
			String header = checkHeaderName("header", name);
			if (RequestContextPolicy.isSensitive(header)) {
				logger.debug("'{}' is a credential header: it is never copied into the request context", header);
				return this;
			}
			boolean known = this.headerNames.stream().anyMatch(header::equalsIgnoreCase);
			if (!known) {
				this.headerNames.add(header);
			}
			return this;
		}

		/**
		 * Sets the header that carries the request id, stored under {@link RequestContext#REQUEST_ID} (default
		 * {@value #DEFAULT_REQUEST_ID_HEADER}).
		 * @param name an HTTP header name (RFC 7230 token), not a credential header
		 * @return this builder
		 * @throws IllegalArgumentException if the name is null, not a header name or a credential header
		 */
		public Builder requestIdHeader(@Nullable String name) {
			String header = checkHeaderName("requestIdHeader", name);
			if (RequestContextPolicy.isSensitive(header)) {
				throw new IllegalArgumentException(
						"requestIdHeader must not be a credential header (they are never propagated), but was '"
								+ header + "'");
			}
			this.requestIdHeader = header;
			return this;
		}

		/**
		 * Sets whether a request without (or with a blank) request id gets a random UUID (default true).
		 * @param generateRequestId whether to generate one
		 * @return this builder
		 */
		public Builder generateRequestId(boolean generateRequestId) {
			this.generateRequestId = generateRequestId;
			return this;
		}

		/**
		 * Adds a customizer, applied to every context after the headers, in the order added.
		 * @param customizer the customizer
		 * @return this builder
		 * @throws NullPointerException if customizer is null
		 */
		public Builder customizer(RequestContextCustomizer customizer) {
			this.customizers.add(Objects.requireNonNull(customizer, "customizer must not be null"));
			return this;
		}

		/**
		 * Builds the factory; the request id header is removed from the allow-listed headers (it is stored under
		 * {@link RequestContext#REQUEST_ID}).
		 * @return the factory
		 */
		public RequestContextFactory build() {
			return new RequestContextFactory(this);
		}

		private static String checkHeaderName(String what, @Nullable String name) {
			if (name == null || !TOKEN.matcher(name).matches()) {
				throw new IllegalArgumentException(what + " must be an HTTP header name (RFC 7230 token: letters, "
						+ "digits and !#$%&'*+-.^_`|~, no spaces), but was '" + name + "'");
			}
			return name;
		}

	}

}
