// Vite's `?raw` import: the file's text (the tests read the stylesheet itself).
declare module "*.css?raw" {
  const text: string;
  export default text;
}

declare module "*.html?raw" {
  const text: string;
  export default text;
}
