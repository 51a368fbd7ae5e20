package dev.safemap.hotspots;

/**
 * How often operations on a map met on one segment (one of 64 stripes, by key hash).
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param segment the segment index; indexes of 256 and more are folded onto {@code segment % 256}
 * @param contended contended operations on the segment since the last reset
 * @param share the segment's share of all contended operations, 0 to 1
 * @since 0.1.0
 */
public record SegmentCount(int segment, long contended, double share) {
}
