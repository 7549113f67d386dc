/** The development entry of the JSX runtime: the same functions (see ./jsx-runtime.ts). */
export { jsx, jsxs, jsxDEV, Fragment } from './jsx-runtime';
export type { JSX } from './jsx-runtime';
