import type { MenuItem, Screen } from './packaged-app.interface.js';

/** What each known package brings. An app defined in app.toml but unknown here gets one home screen. */
export const PACKAGED_APP_CONTENTS: Readonly<Record<string, { menus: MenuItem[]; screens: Screen[] }>> = {
  nomajde: {
    menus: [
      { id: 'nomajde.address-book', label: 'NomaJDE › Address Book', path: '/apps/nomajde/address-book' },
      { id: 'nomajde.sales-orders', label: 'NomaJDE › Sales Orders', path: '/apps/nomajde/sales-orders' },
    ],
    screens: [
      { id: 'nomajde.address-book', title: 'Address Book', path: '/apps/nomajde/address-book' },
      { id: 'nomajde.sales-orders', title: 'Sales Orders', path: '/apps/nomajde/sales-orders' },
    ],
  },
  'nomasx-1': {
    menus: [{ id: 'nomasx-1.reports', label: 'NomaSX-1 › Reports', path: '/apps/nomasx-1/reports' }],
    screens: [{ id: 'nomasx-1.reports', title: 'Reports', path: '/apps/nomasx-1/reports' }],
  },
};

export function contentsOf(id: string, name: string): { menus: MenuItem[]; screens: Screen[] } {
  return (
    PACKAGED_APP_CONTENTS[id] ?? {
      menus: [{ id: `${id}.home`, label: name, path: `/apps/${id}` }],
      screens: [{ id: `${id}.home`, title: name, path: `/apps/${id}` }],
    }
  );
}
