/**
 * The element tree templates build and satori lays out. It is the shape satori reads from
 * React elements (`type`, `props.children`, `props.style`), made by our own tiny JSX runtime
 * (./jsx/jsx-runtime.ts), so templates need no React.
 */

/** CSS properties satori understands (camelCase, numbers in px). Kept loose: satori validates. */
export type CreativeStyle = Record<string, string | number | undefined>;

export type CreativeChild = CreativeElement | string | number | boolean | null | undefined | CreativeChild[];

export interface CreativeElement {
  type: string;
  props: { children?: CreativeChild; style?: CreativeStyle; [attr: string]: unknown };
  key: string | null;
}

export interface IntrinsicProps {
  style?: CreativeStyle;
  children?: CreativeChild;
  [attr: string]: unknown;
}
