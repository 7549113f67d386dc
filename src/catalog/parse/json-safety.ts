/**
 * Checks every JSON record before anyone else sees it.
 *
 * JSON.parse makes `__proto__` an own property, harmless by itself, but the first
 * `Object.assign(target, record)` or naive deep merge downstream would set the target's
 * prototype. Refusing the record is simpler than proving every consumer safe. Depth is
 * capped because products are flat; deep nesting is an attack on recursive consumers.
 */
export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a parsed JSON record must be refused, or null when it is fine. */
export function jsonRecordProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  // Iterative walk: a hostile depth must not overflow our own stack either.
  const stack: Array<{ node: object; depth: number }> = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push({ node: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return `forbidden key ${key}`;
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return null;
}

/** JSON.parse for one record: the reason instead of an exception. */
export function parseJsonRecord(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const problem = jsonRecordProblem(value);
  return problem ? { ok: false, reason: problem } : { ok: true, value: value as Record<string, unknown> };
}
