import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  Patch,
  Put,
} from '@nestjs/common';
import { LicenseConfigurationError } from '@liberty/license';
import { loadPublicKeys } from '@liberty/license/verify';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Permissions } from '../auth/permissions.decorator.js';
import type { LicenseSettings } from '../config/app-config.loader.js';
import type { Connector } from '../connectors/connector.interface.js';
import { ConnectorRegistry } from '../connectors/connector.registry.js';
import { ConnectorSettingsDto, LicenseSettingsDto } from './settings.dto.js';
import { SharedLicenseSettings } from './shared-license-settings.service.js';

@Controller('api/settings')
@Permissions('settings:framework')
export class SettingsController {
  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly shared: SharedLicenseSettings,
  ) {}

  @Get('framework/license')
  licenseSettings(): LicenseSettings {
    return pickSettings(this.shared.settings);
  }

  /**
   * Validates, stores (app.toml atomically on SQLite; the shared database row with DATABASE_URL,
   * see SharedLicenseSettings), then re-verifies with the new settings (no restart). Only the
   * fields given change; the others keep their stored values.
   * Changing `license_key`, `public_key_path` or `enforcement` also needs `license:write`, and the new key file
   * must be readable.
   * Any error leaves the file and the running license as they were.
   */
  @Put('framework/license')
  async updateLicenseSettings(
    @Body() dto: LicenseSettingsDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<LicenseSettings> {
    const admit = async (current: LicenseSettings, next: LicenseSettings) => {
      // Who can change the signing authority or switch enforcement off can unlock everything: both
      // need license:write, like re-verify (finding 9: settings:framework alone could go `soft`).
      // So does license_key: pointed at `${LIBERTY_ADMIN_TOKEN}`, it read any variable of the
      // process into the verifier (issue 20, finding 6).
      for (const field of ['license_key', 'public_key_path', 'enforcement'] as const) {
        if (next[field] !== current[field] && !user.permissions.includes('license:write')) {
          throw new ForbiddenException({
            statusCode: 403,
            code: 'PERMISSION_REQUIRED',
            permission: 'license:write',
            message: `Changing ${field} requires permission license:write`,
          });
        }
      }
      if (next.public_key_path !== current.public_key_path && next.public_key_path.trim() !== '') {
        const keys = await loadPublicKeys({ publicKeyPath: this.shared.publicKeyPathOf(next) });
        if (!keys.ok) {
          throw new BadRequestException({
            statusCode: 400,
            error: 'Bad Request',
            message: [`public_key_path: public key unavailable (${keys.why})`],
          });
        }
      }
    };
    try {
      return await this.shared.update(dto, admit);
    } catch (error) {
      if (error instanceof LicenseConfigurationError) {
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [error.message] });
      }
      throw error;
    }
  }

  /** Every connector definition, usable or not. */
  @Get('connectors')
  connectorSettings() {
    return this.connectors.all().map((c) => this.connectorView(c));
  }

  /**
   * Toggles whether a connector needs the license; stored in the database (shared by every
   * replica, kept across restarts; app.toml only defines the connectors), applied at once.
   * Turning the toggle off opens a licensed connector without a key, so — like switching
   * enforcement to soft — it also needs license:write; turning it on needs settings:framework only.
   */
  @Patch('connectors/:id')
  async updateConnector(
    @Param('id') id: string,
    @Body() dto: ConnectorSettingsDto,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    const connector = this.connectors.get(id);
    if (!connector) throw new NotFoundException({ statusCode: 404, message: `Unknown connector "${id}"` });
    if (connector.licensed && !dto.licensed && !user.permissions.includes('license:write')) {
      throw new ForbiddenException({
        statusCode: 403,
        code: 'PERMISSION_REQUIRED',
        permission: 'license:write',
        message: 'Turning off Licensed on a connector requires permission license:write',
      });
    }
    return this.connectorView(await this.connectors.setLicensed(connector, dto.licensed));
  }

  private connectorView(c: Connector) {
    const lockedReason = this.connectors.lockedReason(c);
    return { id: c.id, name: c.name, licensed: c.licensed, state: lockedReason ? 'locked' : 'active', lockedReason };
  }
}

function pickSettings({ license_key, public_key_path, enforcement }: LicenseSettings): LicenseSettings {
  return { license_key, public_key_path, enforcement };
}
