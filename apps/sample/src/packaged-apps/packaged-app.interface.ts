import type { LicensedItem } from '@liberty/license';

export interface MenuItem {
  readonly id: string;
  readonly label: string;
  readonly path: string;
}

export interface Screen {
  readonly id: string;
  readonly title: string;
  readonly path: string;
}

/** A packaged app (app.toml `[[apps]]`): it brings menus and screens. */
export interface PackagedApp extends LicensedItem {
  readonly id: string;
  readonly name: string;
  readonly licensed: boolean;
  readonly menus: readonly MenuItem[];
  readonly screens: readonly Screen[];
}
