import { Controller, Get, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LicenseService, OnLicenseEvent } from '@liberty/license';
// A type in a decorated signature: `import type` (isolatedModules + emitDecoratorMetadata).
import type { LicenseChangedEvent } from '@liberty/license';

export interface MenuEntry {
  id: string;
  label: string;
  path: string;
}

const REPORTS: MenuEntry = { id: 'reports', label: 'Reports', path: '/reports' };

/** The menu: the licensed entry comes and goes with the license, without a restart or polling. */
@Injectable()
export class MenuRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(MenuRegistry.name);
  private readonly entries = new Map<string, MenuEntry>([['home', { id: 'home', label: 'Home', path: '/' }]]);

  constructor(private readonly license: LicenseService) {}

  // The key was verified when LicenseModule was created; the event reports every later change.
  onApplicationBootstrap(): void {
    this.sync();
  }

  @OnLicenseEvent('license.changed')
  onChanged(event: LicenseChangedEvent): void {
    this.sync();
    this.logger.log(
      `license ${event.current.status}: the reports menu is ${this.entries.has('reports') ? 'shown' : 'hidden'}`,
    );
  }

  private sync(): void {
    if (this.license.isLicensed('app:reports')) this.entries.set(REPORTS.id, REPORTS);
    else this.entries.delete(REPORTS.id);
  }

  list(): MenuEntry[] {
    return [...this.entries.values()];
  }
}

@Controller('menu')
export class MenuController {
  constructor(private readonly menu: MenuRegistry) {}

  @Get()
  list() {
    return this.menu.list();
  }
}
