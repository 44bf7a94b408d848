import type { LicensedItem } from '@liberty/license';

/** A data connector defined in app.toml `[[connectors]]`. */
export interface Connector extends LicensedItem {
  readonly id: string;
  readonly name: string;
  /** Whether it needs `connector:<id>` in the license (the toggle of the settings page). */
  readonly licensed: boolean;
}
