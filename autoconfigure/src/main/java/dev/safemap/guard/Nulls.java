package dev.safemap.guard;

/**
 * Builds the {@link NullPointerException}s of guard mode, whose messages name the map and the
 * operation. Kept out of line so the hot paths stay small. Stateless and thread-safe.
 */
final class Nulls {

	private Nulls() {
	}

	static NullPointerException key(String mapName, MapOperation operation) {
		return new NullPointerException("map '" + mapName + "' rejects a null key in " + name(operation)
				+ ": guarded maps do not hold null keys");
	}

	static NullPointerException value(String mapName, MapOperation operation) {
		return new NullPointerException("map '" + mapName + "' rejects a null value in " + name(operation)
				+ ": guarded maps do not hold null values (remove the key instead)");
	}

	static NullPointerException argument(String mapName, MapOperation operation, String what) {
		return new NullPointerException("map '" + mapName + "' rejects a null " + what + " in " + name(operation));
	}

	private static String name(MapOperation operation) {
		return switch (operation) {
			case GET -> "get";
			case CONTAINS_KEY -> "containsKey";
			case CONTAINS_VALUE -> "containsValue";
			case SIZE -> "size";
			case ITERATE -> "forEach";
			case PUT -> "put";
			case PUT_ALL -> "putAll";
			case PUT_IF_ABSENT -> "putIfAbsent";
			case REMOVE -> "remove";
			case REPLACE -> "replace";
			case CLEAR -> "clear";
			case COMPUTE -> "compute";
			case COMPUTE_IF_ABSENT -> "computeIfAbsent";
			case COMPUTE_IF_PRESENT -> "computeIfPresent";
			case MERGE -> "merge";
			case INCREMENT -> "increment/add";
		};
	}

}
