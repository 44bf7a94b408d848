import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets.js';
import { WebAssetsController, WebPagesController } from './web.controller.js';

/**
 * The web part: `/login`, the License page at `/settings/license` (with the restricted-mode
 * banner) and `/assets/*`. Plain HTML, CSS and one small ES module per page, from `apps/sample/web/`.
 */
@Module({
  controllers: [WebPagesController, WebAssetsController],
  providers: [WebAssets],
})
export class WebModule {}
