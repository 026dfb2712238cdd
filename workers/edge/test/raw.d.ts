/** Vite's `?raw` imports: a file's text (tests only; the Worker's bundler does not know them). */
declare module "*?raw" {
  const text: string;
  export default text;
}
