/** enxuto's version, recorded in reports and cache keys. */
export const ENXUTO_VERSION = '0.1.0';
