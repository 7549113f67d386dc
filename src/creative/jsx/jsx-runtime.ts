/**
 * A JSX runtime that builds satori's element tree (see ../element.ts). Templates opt in with
 * `/** @jsxImportSource ../src/creative/jsx *\/` because the project default is hono/jsx
 * (the admin UI's server-rendered HTML).
 */
import type { CreativeChild, CreativeElement, IntrinsicProps } from '../element';

type Component<P> = (props: P) => CreativeElement;

export function jsx(type: string | Component<any>, props: Record<string, unknown>, key?: string): CreativeElement {
  if (typeof type === 'function') return type(props);
  return { type, props: props as CreativeElement['props'], key: key ?? null };
}
export const jsxs = jsx;
export const jsxDEV = jsx;

/** satori lays a fragment's children out as if they were its parent's. */
export function Fragment(props: { children?: CreativeChild }): CreativeElement {
  return { type: 'div', props: { style: { display: 'flex' }, children: props.children }, key: null };
}

export namespace JSX {
  export type Element = CreativeElement;
  export interface ElementChildrenAttribute {
    children: {};
  }
  export interface IntrinsicElements {
    div: IntrinsicProps;
    span: IntrinsicProps;
    img: IntrinsicProps & { src: string; width?: number; height?: number };
    svg: IntrinsicProps;
    path: IntrinsicProps;
    rect: IntrinsicProps;
    circle: IntrinsicProps;
  }
}
