// Every page of the built sample app in every license state (support/license-states.js): the
// sideways overflow at 320, 390 and 1280 px and axe's serious/critical violations, as a table,
// plus a screenshot of each page at 390 and 1280 px. A report for people (the browser suite
// screen-states.e2e-spec.ts asserts the same things).
//
//   npm run build && node test/browser/screen-states-report.mjs [out-dir] [state …]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import {
  axeSource,
  LICENSE_STATES,
  PAGES,
  seriousViolations,
  sidewaysOverflow,
  startInState,
  WIDTHS,
} from './support/license-states.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = process.argv[2] ?? join(root, 'screen-states');
const states = process.argv.length > 3 ? process.argv.slice(3) : LICENSE_STATES;
await mkdir(outDir, { recursive: true });

const { createSampleApp } = await import(join(root, 'apps/sample/dist/app.js'));
const kit = await LicenseTestKit.create();
const axe = axeSource();
const browser = await launchChromium();
const rows = [];
try {
  for (const state of states) {
    const app = await startInState(state, { kit, createSampleApp });
    try {
      for (const width of WIDTHS) {
        const context = await browser.newContext({
          baseURL: app.baseUrl,
          viewport: { width, height: 800 },
          deviceScaleFactor: 1,
          bypassCSP: true,
        });
        await context.request.post('/api/session', { data: { token: app.adminToken } });
        const page = await context.newPage();
        for (const { name, path } of PAGES) {
          await page.goto(path);
          await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 }).catch(() => undefined);
          const overflow = await sidewaysOverflow(page);
          const violations = width === 1280 ? await seriousViolations(page, axe) : [];
          rows.push({ state, page: name, width, overflow, axe: violations.length, violations });
          if (width !== 320)
            await page.screenshot({ path: join(outDir, `${state}--${name}--${width}.png`), fullPage: true });
        }
        await context.close();
      }
    } finally {
      await app.close();
    }
    console.error(`${state}: done`);
  }
} finally {
  await browser.close();
}

await writeFile(join(outDir, 'report.json'), JSON.stringify(rows, null, 2));
const overflowing = rows.filter((r) => r.overflow > 0);
const axeRows = rows.filter((r) => r.axe > 0);
console.log(`pages × states × widths: ${rows.length}`);
console.log(
  `sideways overflow: ${overflowing.length} (${overflowing.map((r) => `${r.state}/${r.page}@${r.width}:+${r.overflow}`).join(', ')})`,
);
const total = axeRows.reduce((n, r) => n + r.axe, 0);
const byRule = {};
for (const r of axeRows)
  for (const v of r.violations) byRule[`${v.id} (${v.impact})`] = (byRule[`${v.id} (${v.impact})`] ?? 0) + 1;
console.log(
  `axe serious/critical violations (at 1280 px): ${total} on ${axeRows.length} of ${rows.filter((r) => r.width === 1280).length} page-states`,
);
for (const [rule, n] of Object.entries(byRule)) console.log(`  ${rule}: ${n}`);
