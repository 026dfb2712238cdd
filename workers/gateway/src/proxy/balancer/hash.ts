// A fast, well-mixed 32-bit string hash for the consistent-hash ring: FNV-1a over UTF-16 code units, then
// murmur3's finaliser so that near-identical keys (`tgt_x#1`, `tgt_x#2`) land far apart on the ring.

/**
 * The 32-bit hash of `value` (unsigned).
 *
 * @example hash32("user-42") // 2937426401
 */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
