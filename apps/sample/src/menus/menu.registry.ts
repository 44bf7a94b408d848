import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { Permission } from '../auth/permissions.constants.js';
import { AppRegistry } from '../packaged-apps/app.registry.js';
import type { PackagedApp } from '../packaged-apps/packaged-app.interface.js';

export interface Menu {
  readonly id: string;
  readonly label: string;
  readonly path: string;
  /** Shown only to users holding it. */
  readonly permission?: Permission;
  /** The packaged app that brings it. */
  readonly app?: string;
}

const CORE_MENUS: readonly Menu[] = [
  // The paths are the web pages' (the home page `/` holds the catalogue and the AI tools).
  { id: 'catalogue', label: 'Home', path: '/' },
  { id: 'ai', label: 'AI assistant', path: '/#ai-tools' },
  { id: 'settings.license', label: 'Settings › License', path: '/settings/license', permission: 'license:read' },
  {
    id: 'settings.framework',
    label: 'Settings › Framework',
    path: '/settings/framework/license',
    permission: 'settings:framework',
  },
  {
    id: 'settings.connectors',
    label: 'Settings › Connectors',
    path: '/settings/connectors',
    permission: 'settings:framework',
  },
  { id: 'users', label: 'Users', path: '/users', permission: 'users:write' },
];

/**
 * The menu: the framework's own entries plus those of the packaged apps usable now. Driven by
 * `AppRegistry.visible$` (which follows `license.changed`), never polled.
 */
@Injectable()
export class MenuRegistry implements OnModuleDestroy {
  private readonly menus = new BehaviorSubject<readonly Menu[]>(CORE_MENUS);
  private readonly subscription: Subscription;

  constructor(apps: AppRegistry) {
    this.subscription = apps.visible$.subscribe((visible) => this.menus.next(build(visible)));
  }

  /** Every menu usable now. */
  all(): readonly Menu[] {
    return this.menus.value;
  }

  /** The menus `permissions` may see. */
  for(permissions: readonly Permission[]): Menu[] {
    return this.all().filter((menu) => !menu.permission || permissions.includes(menu.permission));
  }

  get menus$(): Observable<readonly Menu[]> {
    return this.menus.asObservable();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.menus.complete();
  }
}

function build(apps: readonly PackagedApp[]): readonly Menu[] {
  const fromApps = apps.flatMap((app) => app.menus.map((menu) => ({ ...menu, app: app.id })));
  return Object.freeze([...CORE_MENUS, ...fromApps]);
}
