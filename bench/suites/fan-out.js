// fanOutMs: from reverify() to the last of 1 000 LicensedRegistry instances updated. The key
// alternates between A and B (B revokes connector:snowflake and grants connector:servicenow), so
// every reverify() emits license.changed and every registry recomputes its visible items.
import { LicensedRegistry } from '@liberty/license';
import { reply } from '../lib/child.js';
import { summarize } from '../lib/stats.js';
import { createLicenseContext, option, useKey } from '../lib/license-fixture.js';

const registryCount = option('registries', 1_000);
const samples = option('samples', 31);
const warmup = option('warmup', 10);

class ConnectorRegistry extends LicensedRegistry {
  constructor(license) {
    super(license, 'connector');
  }
}

const { app, license } = await createLicenseContext();
const items = [
  ...['postgres', 'rest', 'mysql', 'files'].map((id) => ({ id, licensed: false })),
  ...['sap', 'snowflake', 'servicenow', 'jdedwards', 'salesforce', 'oracle'].map((id) => ({ id, licensed: true })),
];
let updated = 0;
let lastUpdate = 0n;
const registries = [];
for (let i = 0; i < registryCount; i++) {
  const registry = new ConnectorRegistry(license);
  for (const item of items) registry.register(item);
  registry.visible$.subscribe(() => {
    updated++;
    lastUpdate = process.hrtime.bigint();
  });
  registries.push(registry);
}

let next = 'B';
async function once() {
  useKey(next);
  updated = 0;
  const start = process.hrtime.bigint();
  await license.reverify();
  if (updated !== registryCount) throw new Error(`${updated} of ${registryCount} registries updated`);
  const visible = registries[registryCount - 1].visible().map((item) => item.id);
  const expected = next === 'B' ? 'servicenow' : 'snowflake';
  if (!visible.includes(expected)) throw new Error(`last registry does not show ${expected}`);
  next = next === 'B' ? 'A' : 'B';
  return Number(lastUpdate - start) / 1e6;
}

for (let i = 0; i < warmup; i++) await once();
const values = [];
for (let i = 0; i < samples; i++) values.push(await once());

for (const registry of registries) registry.onModuleDestroy();
await app.close();
reply({ fanOutMs: summarize(values), registries: registryCount });
