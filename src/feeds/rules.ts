/**
 * A definition's rules compiled into steps that run, in order, on a copy of each product
 * before the channel check (so a rule can fill a missing brand and save the item).
 */
import type { Product } from '../catalog/product';
import { firstLabel } from '../insights/labels';
import type { ProductPerformance } from '../store/port';
import type { Finding } from './channels/channel';
import { compileCondition, type Predicate } from './condition';
import type { FeedRule } from './definition';
import { isEnumField, textReader, truncateAtWord, writeField, type TextReader } from './fields';
import { compileTemplate } from './template';

interface Step {
  field: string;
  when: Predicate | null;
  /** the new value, or null to leave the field alone */
  value: (p: Product) => string | null;
}

export type CompiledRules = readonly Step[];

export function compileRules(rules: readonly FeedRule[] | undefined): CompiledRules {
  return (rules ?? []).map((rule): Step => {
    const when = rule.when ? compileCondition(rule.when) : null;
    if ('truncate' in rule) {
      const read = textReader(rule.truncate);
      const max = rule.max;
      return { field: rule.truncate, when, value: (p) => truncateAtWord(read(p), max) };
    }
    if ('from' in rule) {
      const read = textReader(rule.from);
      return { field: rule.set, when, value: (p) => { const v = read(p); return v === '' ? null : v; } };
    }
    if ('default' in rule) {
      const own: TextReader = textReader(rule.set);
      const fallback = rule.default;
      return { field: rule.set, when, value: (p) => (own(p).trim() === '' ? fallback : null) };
    }
    if ('template' in rule) return { field: rule.set, when, value: compileTemplate(rule.template) };
    if ('from_labels' in rule) {
      const priority = rule.from_labels;
      return {
        field: rule.set,
        when,
        value: (p) => {
          // Rules see a copy of the FeedProduct; its performance comes from the pinned label set.
          const performance = (p as Product & { performance?: ProductPerformance | null }).performance;
          return performance ? firstLabel(performance.labels, priority) : null;
        },
      };
    }
    const fixed = rule.value ?? '';
    return { field: rule.set, when, value: () => fixed };
  });
}

/**
 * Applies the steps to `p`, which must be the caller's own copy. Returns warnings for values
 * an attribute could not take (a `from` giving `maybe` for availability), or null.
 */
export function applyRules(steps: CompiledRules, p: Product): Finding[] | null {
  let warnings: Finding[] | null = null;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.when !== null && !step.when(p)) continue;
    const value = step.value(p);
    if (value === null) continue;
    if (!writeField(p, step.field, value) && isEnumField(step.field))
      (warnings ??= []).push({
        code: 'rule_value_rejected',
        message: `rule ${i + 1} gave ${step.field} "${value.slice(0, 40)}", which is not one of its values; left unchanged`,
      });
  }
  return warnings;
}
