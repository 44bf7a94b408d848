import { Controller, Get } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ConnectorRegistry } from '../connectors/connector.registry.js';
import { MenuRegistry } from '../menus/menu.registry.js';
import { AppRegistry } from '../packaged-apps/app.registry.js';

/** What users may see and use now (any authenticated user). */
@Controller('api')
export class CatalogueController {
  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly apps: AppRegistry,
    private readonly menus: MenuRegistry,
  ) {}

  @Get('catalogue')
  catalogue() {
    return {
      connectors: this.connectors.visible().map(({ id, name, licensed }) => ({ id, name, licensed })),
      apps: this.apps.visible().map(({ id, name, licensed }) => ({ id, name, licensed })),
    };
  }

  @Get('apps')
  packagedApps() {
    return this.apps.visible();
  }

  @Get('menus')
  menu(@CurrentUser() user: AuthenticatedUser) {
    return this.menus.for(user.permissions);
  }
}
