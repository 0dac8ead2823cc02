import { specificity } from './defaults';
import type { Detection } from './detectors/types';

/**
 * One finding per span: where detections overlap, the more specific type
 * wins, then the more confident, then the longer. A database URL is not
 * also an email; a card number is not also a phone number.
 * Returns the kept detections in text order.
 */
export function resolveOverlaps(detections: Detection[]): Detection[] {
  const ranked = [...detections].sort(
    (a, b) =>
      specificity(b.type) - specificity(a.type) ||
      b.confidence - a.confidence ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  // Kept spans sorted by start; they never overlap each other, so a new
  // span overlaps one iff it overlaps its neighbour by start.
  const kept: Detection[] = [];
  for (const d of ranked) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid].start < d.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if (before && before.end > d.start) continue;
    if (after && after.start < d.end) continue;
    kept.splice(lo, 0, d);
  }
  return kept;
}
