// The sample app's app.toml for the tests: one builder, every option a test needs as a field
// (no string surgery on the generated text). The key is never in it: `license_key` references a
// variable (`keyVar`) the test sets or leaves unset.

export interface CatalogueEntry {
  id: string;
  name: string;
  licensed: boolean;
}

/** The sample's catalogue in the tests: two free connectors, three licensed ones, two licensed apps. */
export const SAMPLE_CONNECTORS: readonly CatalogueEntry[] = [
  { id: 'postgres', name: 'PostgreSQL', licensed: false },
  { id: 'rest', name: 'REST API', licensed: false },
  { id: 'sap', name: 'SAP S/4HANA', licensed: true },
  { id: 'snowflake', name: 'Snowflake', licensed: true },
  { id: 'jdedwards', name: 'JD Edwards EnterpriseOne', licensed: true },
];
export const SAMPLE_APPS: readonly CatalogueEntry[] = [
  { id: 'nomajde', name: 'NomaJDE', licensed: true },
  { id: 'nomasx-1', name: 'NomaSX-1', licensed: true },
];

export interface SampleTomlOptions {
  /** The variable `license_key` references (`"${<keyVar>}"`). */
  keyVar: string;
  /** Relative to the config dir; default `public.pem`; `''` writes an empty path (no key file). */
  publicKeyPath?: string;
  enforcement?: 'restricted' | 'soft';
  /** `audience`; default "liberty"; `null`: no audience line (ai.doo keys carry no `aud`). */
  audience?: string | null;
  /** `issuer`, e.g. "aidoo.biz" (default: none). */
  issuer?: string;
  /** `key_store`, e.g. "database" (default: none, i.e. the variable). */
  keyStore?: string;
  /** `key_file_poll_interval_ms`. */
  pollMs?: number;
  /** More `[license]` lines, verbatim (e.g. `grace_days = 14`). */
  license?: string;
  /** The connector and app ids to list (default: all of SAMPLE_CONNECTORS and SAMPLE_APPS). */
  connectors?: readonly string[];
  apps?: readonly string[];
}

function catalogue(table: string, entries: readonly CatalogueEntry[], ids: readonly string[] | undefined): string {
  const unknown = ids?.filter((id) => !entries.some((entry) => entry.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`no ${table} ${unknown.join(', ')} in the test catalogue`);
  return entries
    .filter((entry) => !ids || ids.includes(entry.id))
    .map((entry) => `[[${table}]]\nid = "${entry.id}"\nname = "${entry.name}"\nlicensed = ${entry.licensed}\n`)
    .join('\n');
}

/** The app.toml text. */
export function sampleToml(options: SampleTomlOptions): string {
  const license = [
    `license_key = "\${${options.keyVar}}"`,
    `public_key_path = "${options.publicKeyPath ?? 'public.pem'}"`,
    `enforcement = "${options.enforcement ?? 'restricted'}"`,
    options.audience !== null ? `audience = "${options.audience ?? 'liberty'}"` : undefined,
    options.issuer !== undefined ? `issuer = "${options.issuer}"` : undefined,
    options.keyStore !== undefined ? `key_store = "${options.keyStore}"` : undefined,
    options.pollMs !== undefined ? `key_file_poll_interval_ms = ${options.pollMs}` : undefined,
    options.license,
  ].filter((line) => line !== undefined && line !== '');
  return `# Test config
[license]
${license.join('\n')}

${catalogue('connectors', SAMPLE_CONNECTORS, options.connectors)}
${catalogue('apps', SAMPLE_APPS, options.apps)}`;
}
