import { SetMetadata } from '@nestjs/common';
import type { LicenseEventType } from '../interfaces/license-events.interface.js';

export const LICENSE_EVENT_HANDLER = 'liberty.license:event-handler';

/**
 * Calls the decorated provider method with every license event of `type`. Discovered at
 * bootstrap, like `@OnEvent()` of `@nestjs/event-emitter`. A handler's error is logged, never
 * thrown into the bus.
 */
export const OnLicenseEvent = (type: LicenseEventType): MethodDecorator => SetMetadata(LICENSE_EVENT_HANDLER, type);
