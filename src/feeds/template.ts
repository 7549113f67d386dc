/**
 * `{brand} {title} - {color}` templates for rules. A template is compiled once into literal
 * parts and field readers; rendering is a concatenation. When a field is empty the text around
 * it is tidied so titles read naturally: no double spaces, no `()`, no dangling ` - ` or `,`.
 */
import type { Product } from '../catalog/product';
import { textReader, type TextReader } from './fields';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Field names used by a template, or an error message when its braces do not pair up. */
export function templateFields(template: string): string[] | string {
  const fields: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) fields.push((match[1] ?? '').trim());
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return `unbalanced { } in template "${template}"`;
  if (fields.some((f) => f === '')) return `empty {} in template "${template}"`;
  return fields;
}

/** `(, M)` or `(Blue, )`: separators left just inside brackets */
const INSIDE_BRACKETS = /([([])[\s,;:|–—·•/-]+|[\s,;:|–—·•/-]+([)\]])/g;
const EMPTY_BRACKETS = /\(\s*\)|\[\s*\]/g;
/** ` - | ` left between two words when the field in between was empty: keep the first separator */
const REPEATED_SEPARATORS = /(\s[-|–—·•/])(?:\s+[-|–—·•/])+(?=\s|$)/g;
const REPEATED_COMMAS = /,(?:\s*,)+/g;
const EDGE_SEPARATORS = /^[\s,;:|–—·•/-]+|[\s,;:|–—·•/-]+$/g;
const SPACE_BEFORE_COMMA = /\s+,/g;
const SPACES = /[ \t]{2,}/g;

export type Template = (p: Product) => string;

export function compileTemplate(template: string): Template {
  const fields = templateFields(template);
  if (typeof fields === 'string') throw new Error(fields);
  const literals = template.split(PLACEHOLDER).filter((_, i) => i % 2 === 0);
  const readers: TextReader[] = fields.map(textReader);

  return (p) => {
    let out = literals[0] ?? '';
    let missing = false;
    for (let i = 0; i < readers.length; i++) {
      const value = readers[i]!(p).trim();
      if (value === '') missing = true;
      out += value + (literals[i + 1] ?? '');
    }
    if (missing) {
      out = out
        .replace(INSIDE_BRACKETS, '$1$2')
        .replace(EMPTY_BRACKETS, '')
        .replace(REPEATED_SEPARATORS, '$1')
        .replace(REPEATED_COMMAS, ',')
        .replace(SPACE_BEFORE_COMMA, ',')
        .replace(EDGE_SEPARATORS, '');
    }
    return out.replace(SPACES, ' ').trim();
  };
}
