package dev.safemap.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.safemap.autoconfigure.context.SafeMapContextProperties;
import dev.safemap.context.RequestContext;
import dev.safemap.context.RequestContextCustomizer;
import dev.safemap.context.RequestContextPolicy;
import dev.safemap.context.RequestContextViolationListener;
import dev.safemap.diagnostics.InvalidSafeMapPropertyException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.Assert;

/**
 * Builds the {@link RequestContext} of a web request from the allow-listed headers, the request
 * id and the {@link RequestContextCustomizer customizers}; shared by the servlet filter and the
 * WebFilter. Checks the {@code safemap.context.*} settings once, at startup.
 * <p>
 * Thread-safety: immutable after construction and thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestContextFactory {

	private static final Logger logger = LoggerFactory.getLogger(RequestContextFactory.class);

	private static final String SENSITIVE_HEADER_WARNING = "safemap.context.headers lists '{}', a credential header: "
			+ "it is never copied into the request context. Remove it from the list.";

	/** RFC 7230 section 3.2.6 token: the syntax of a header field name. */
	private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

	private final RequestContextPolicy policy;

	private final String[] headerNames;

	private final String[] headerKeys;

	private final String requestIdHeader;

	private final boolean generateRequestId;

	private final List<RequestContextCustomizer> customizers;

	/**
	 * Creates a factory and checks the settings.
	 * @param properties the settings
	 * @param violationListener told about every dropped, cut or cleaned entry
	 * @param customizers applied in order to every context
	 * @throws InvalidSafeMapPropertyException if a setting is invalid
	 */
	public RequestContextFactory(SafeMapContextProperties properties, RequestContextViolationListener violationListener,
			List<RequestContextCustomizer> customizers) {
		Assert.notNull(properties, "'properties' must not be null");
		Assert.notNull(violationListener, "'violationListener' must not be null");
		Assert.notNull(customizers, "'customizers' must not be null");
		this.policy = policy(properties, violationListener);
		List<String> names = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		List<String> headers = properties.getHeaders();
		String requestIdHeader = checkHeaderName("safemap.context.request-id-header", properties.getRequestIdHeader());
		if (RequestContextPolicy.isSensitive(requestIdHeader)) {
			throw new InvalidSafeMapPropertyException("safemap.context.request-id-header", requestIdHeader,
					"credential headers are never propagated", "use a header such as X-Request-Id");
		}
		for (int i = 0; i < headers.size(); i++) {
			String header = checkHeaderName("safemap.context.headers[" + i + "]", headers.get(i));
			if (RequestContextPolicy.isSensitive(header)) {
				logger.warn(SENSITIVE_HEADER_WARNING, header);
				continue;
			}
			if (header.equalsIgnoreCase(requestIdHeader)) {
				continue; // stored under RequestContext.REQUEST_ID
			}
			String key = header.toLowerCase(Locale.ROOT);
			if (!keys.contains(key)) {
				names.add(header);
				keys.add(key);
			}
		}
		this.headerNames = names.toArray(new String[0]);
		this.headerKeys = keys.toArray(new String[0]);
		this.requestIdHeader = requestIdHeader;
		this.generateRequestId = properties.isGenerateRequestId();
		this.customizers = List.copyOf(customizers);
	}

	private static RequestContextPolicy policy(SafeMapContextProperties properties,
			RequestContextViolationListener violationListener) {
		RequestContextPolicy.Builder builder = RequestContextPolicy.builder().violationListener(violationListener);
		limit("safemap.context.max-entries", properties.getMaxEntries(), RequestContextPolicy.MAX_ENTRIES_LIMIT);
		limit("safemap.context.max-key-length", properties.getMaxKeyLength(), RequestContextPolicy.MAX_KEY_LENGTH_LIMIT);
		limit("safemap.context.max-value-length", properties.getMaxValueLength(),
				RequestContextPolicy.MAX_VALUE_LENGTH_LIMIT);
		builder.maxEntries(properties.getMaxEntries())
			.maxKeyLength(properties.getMaxKeyLength())
			.maxValueLength(properties.getMaxValueLength());
		try {
			builder.mdcKeys(properties.getMdcKeys());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new InvalidSafeMapPropertyException("safemap.context.mdc-keys", properties.getMdcKeys(),
					String.valueOf(ex.getMessage()), "list context keys such as requestId or x-tenant-id");
		}
		return builder.build();
	}

	private static void limit(String property, int value, int max) {
		if (value < 1 || value > max) {
			throw new InvalidSafeMapPropertyException(property, value, "must be between 1 and " + max,
					"set a value from 1 to " + max + " or remove the property to use the default");
		}
	}

	private static String checkHeaderName(String property, @Nullable String name) {
		if (name == null || !TOKEN.matcher(name).matches()) {
			throw new InvalidSafeMapPropertyException(property, name,
					"not a valid HTTP header name (RFC 7230 token: letters, digits and !#$%&'*+-.^_`|~, no spaces)",
					"use a header name such as X-Tenant-Id");
		}
		return name;
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

}
