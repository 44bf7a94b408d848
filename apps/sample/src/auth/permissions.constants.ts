/** What a user may do (DESIGN.md section 7). */
export const PERMISSIONS = [
  'license:read',
  'license:write',
  'settings:framework',
  'users:write',
  'metrics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
