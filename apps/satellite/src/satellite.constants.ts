/** The injection token of the satellite's `SatelliteSettings`. */
export const SATELLITE_SETTINGS = Symbol('SATELLITE_SETTINGS');
