import { Controller, Get, Param, Res, UseFilters } from '@nestjs/common';
import { Permissions, Public } from '../auth/permissions.decorator.js';
import { WebAssets } from './web-assets.service.js';
import { sendWeb, type WebResponse } from './web-http.util.js';
import { WebPageExceptionFilter } from './web-page-exception.filter.js';

/** The HTML pages. Their errors are pages too (login redirect, 403 page). */
@Controller()
@UseFilters(WebPageExceptionFilter)
export class WebPagesController {
  constructor(private readonly assets: WebAssets) {}

  @Public()
  @Get('login')
  async login(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'login.html');
  }

  /** The home page: catalogue, menus and AI tools usable now (any signed-in user). */
  @Get()
  async home(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'home.html');
  }

  /** Settings → Framework → License: the `[license]` settings form (the path also needs license:write to change). */
  @Permissions('settings:framework')
  @Get('settings/framework/license')
  async frameworkLicense(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'framework-license.html');
  }

  /** Settings → Connectors: the Licensed toggle, locked entries greyed. */
  @Permissions('settings:framework')
  @Get('settings/connectors')
  async connectors(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'connectors.html');
  }

  /** Users: seats against the cap, create, disable, enable (402 shown as a message). */
  @Permissions('users:write')
  @Get('users')
  async users(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'users.html');
  }

  /**
   * A packaged app's screen, where its menu entries lead (any signed-in user); the page says
   * "Not available" when the app is not usable now.
   */
  @Get(['apps/:app', 'apps/:app/:screen'])
  async appScreen(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'app-screen.html');
  }

  /** The License tab; its script reads `/api/license` and `/api/me`. */
  @Permissions('license:read')
  @Get('settings/license')
  async license(@Res() res: WebResponse): Promise<void> {
    await this.send(res, 'license.html');
  }

  private async send(res: WebResponse, name: string): Promise<void> {
    const file = await this.assets.read(name);
    sendWeb(res, 200, file.contentType, file.body);
  }
}

/** `/assets/*`: the pages' CSS, scripts and icon, public (the login page needs them). */
@Controller('assets')
export class WebAssetsController {
  constructor(private readonly assets: WebAssets) {}

  @Public()
  @Get(':name')
  async asset(@Param('name') name: string, @Res() res: WebResponse): Promise<void> {
    const file = await this.assets.read(`assets/${name}`);
    sendWeb(res, 200, file.contentType, file.body);
  }
}
