// Temporary: the committed src/index.ts (J1's) still mounts `itemsRouter`; it imports `apiRouter` from ./routes next.
export { apiRouter as itemsRouter } from "./index";
