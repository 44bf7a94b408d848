import { fileURLToPath } from 'node:url';

/**
 * `apps/sample/`, where the app finds its `config/`, `data/` and `web/` folders. This module sits
 * one level below it in every form the app runs in — `src/` (Jest), `dist/` (tsc's modules) and
 * `dist/main.bundle.js` (the bundle `npm start` runs, where every module shares the bundle's
 * `import.meta.url`) — so one relative URL finds it from all three.
 */
export const SAMPLE_ROOT = fileURLToPath(new URL('../', import.meta.url));
