/**
 * Compiles a `{ field, op, value }` condition into a predicate, once per definition. Text
 * comparisons ignore case and surrounding space (merchants write `Nike`, shops send `NIKE `);
 * `gt`/`lt` and numeric `eq` compare numbers, with money read in currency units.
 */
import type { Product } from '../catalog/product';
import type { Condition } from './definition';
import { numberReader, textReader } from './fields';

export type Predicate = (p: Product) => boolean;

export function compileCondition(c: Condition): Predicate {
  switch (c.op) {
    case 'exists': {
      const text = textReader(c.field);
      const want = c.value ?? true;
      return (p) => (text(p).trim() !== '') === want;
    }
    case 'gt':
    case 'lt': {
      const num = numberReader(c.field);
      const limit = c.value;
      return c.op === 'gt'
        ? (p) => { const n = num(p); return n !== null && n > limit; }
        : (p) => { const n = num(p); return n !== null && n < limit; };
    }
    case 'eq':
    case 'neq': {
      const equal = equals(c.field, c.value);
      return c.op === 'eq' ? equal : (p) => !equal(p);
    }
    case 'contains': {
      const text = textReader(c.field);
      const needle = c.value.trim().toLowerCase();
      return (p) => text(p).toLowerCase().includes(needle);
    }
    case 'in': {
      const tests = c.value.map((v) => equals(c.field, v));
      return (p) => tests.some((t) => t(p));
    }
  }
}

function equals(field: string, value: string | number | boolean): Predicate {
  if (typeof value === 'number') {
    const num = numberReader(field);
    return (p) => num(p) === value;
  }
  const text = textReader(field);
  // Booleans compare as the words identifier_exists reads as.
  const want = typeof value === 'boolean' ? (value ? 'yes' : 'no') : value.trim().toLowerCase();
  return (p) => text(p).trim().toLowerCase() === want;
}
