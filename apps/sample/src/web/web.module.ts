import { Module } from '@nestjs/common';
import { LicenseBannerController } from './license-banner.controller.js';
import { WebAssets } from './web-assets.service.js';
import { WebAssetsController, WebPagesController } from './web.controller.js';

/**
 * The web part: `/login`, the home page `/`, Settings → License (`/settings/license`),
 * Settings → Framework → License, Settings → Connectors, Users, `/assets/*`, and
 * `GET /api/license/banner` (the banner every page's header shows). Plain HTML, CSS and one small
 * ES module per page (plus the shared `shell.js`), from `apps/sample/web/`.
 */
@Module({
  controllers: [WebPagesController, WebAssetsController, LicenseBannerController],
  providers: [WebAssets],
})
export class WebModule {}
