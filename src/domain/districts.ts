// The center's districts (辖区) are a list the admin keeps; cases, targets and imports name one of
// them. A name not on the list is refused with the listed names closest to it, so that 南山 or
// 南山去 points to 南山区. While the list is empty (a new center) any name is accepted. Pure.
import { type Refusal, refuse } from "./reasons";

/** How a name is compared: full-width to half-width, spaces gone, Latin letters in lower case. */
function districtKey(name: string): string {
  return name.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
}

/** Levenshtein distance over code points (Chinese characters count one each). */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

/** Characters the two names share, over the longer name's length (0–1). */
function sharedShare(a: string, b: string): number {
  const left = [...b];
  let shared = 0;
  for (const ch of a) {
    const i = left.indexOf(ch);
    if (i >= 0) {
      shared++;
      left.splice(i, 1);
    }
  }
  return shared / Math.max([...a].length, [...b].length, 1);
}

/**
 * The listed names closest to `name`, best first, at most `max`: one within a third of its length
 * in edits (at least one edit), or sharing at least half its characters, or containing it (南山 →
 * 南山区). Ties by fewer edits, then more shared characters, then list order.
 */
export function closeDistricts(name: string, listed: readonly string[], max = 3): string[] {
  const k = districtKey(name);
  if (!k) return [];
  return listed
    .map((d, order) => {
      const dk = districtKey(d);
      return {
        d,
        order,
        dist: editDistance(k, dk),
        shared: sharedShare(k, dk),
        contains: dk.includes(k) || k.includes(dk),
      };
    })
    .filter((c) => c.contains || c.shared >= 0.5 || c.dist <= Math.max(1, Math.floor([...k].length / 3)))
    .sort((a, b) => a.dist - b.dist || b.shared - a.shared || a.order - b.order)
    .slice(0, max)
    .map((c) => c.d);
}

/**
 * Null when `name` may be used: it is on the list exactly as listed (statistics group by the
 * name, so 南山区 and 南山 区 must not both be stored), or the list is empty. Otherwise the
 * refusal, naming the close matches (a name written differently comes first).
 */
export function checkDistrict(name: string, listed: readonly string[]): Refusal | null {
  if (listed.length === 0 || listed.includes(name.trim())) return null;
  const near = closeDistricts(name, listed);
  return near.length
    ? refuse("district.unlisted_near", { name: name.trim(), matches: near.join(" / ") })
    : refuse("district.unlisted", { name: name.trim() });
}
