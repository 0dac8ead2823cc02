import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@pilothouse/plugin-log-search-common';
import maxmind, { type CityResponse, type Reader } from 'maxmind';

/** Attributes that carry a client's address, first present wins. */
const IP_KEYS = [
  'client.address',
  'source.address',
  'sourceIPAddress',
  'sourceIPs',
  'http.client_ip',
  'client_ip',
  'remote_addr',
];

/** Adds `geo.*` attributes for the event's client address. */
export interface GeoIp {
  enrich(attributes: Record<string, JsonValue>): void;
}

/**
 * Geo-IP from a local MaxMind-format database (GeoLite2-City.mmdb or
 * DB-IP's), read with the `maxmind` reader. Nothing is fetched from the
 * network; without a configured database there is no geo enrichment.
 */
export async function openGeoIp(
  databasePath: string | undefined,
  logger: LoggerService,
): Promise<GeoIp | undefined> {
  if (!databasePath) return undefined;
  let reader: Reader<CityResponse>;
  try {
    reader = await maxmind.open<CityResponse>(databasePath);
  } catch (error) {
    logger.warn(
      'the geo-IP database could not be opened; events get no geo fields',
      {
        databasePath,
        error: String(error),
      },
    );
    return undefined;
  }
  return {
    enrich(attributes) {
      for (const key of IP_KEYS) {
        const raw = attributes[key];
        const ip = Array.isArray(raw) ? raw[0] : raw;
        if (typeof ip !== 'string' || !maxmind.validate(ip)) continue;
        const found = reader.get(ip);
        if (!found) return;
        attributes['geo.ip'] = ip;
        if (found.country?.iso_code) {
          attributes['geo.country_iso_code'] = found.country.iso_code;
        }
        if (found.city?.names?.en)
          attributes['geo.city_name'] = found.city.names.en;
        if (found.location) {
          attributes['geo.location.lat'] = found.location.latitude;
          attributes['geo.location.lon'] = found.location.longitude;
        }
        return;
      }
    },
  };
}
