export interface Config {
  /** Log search and threat analytics (plugins/log-search-backend). */
  logSearch?: {
    /**
     * Where events are stored and searched: `embedded` (the plugin's own
     * database: SQLite with FTS5 on a laptop, PostgreSQL full-text search
     * when the portal runs on PostgreSQL), `opensearch`, or `loki` (read
     * only: send logs to Loki itself). Default `embedded`.
     */
    store?: 'embedded' | 'opensearch' | 'loki';

    ingest?: {
      /** Largest request body accepted by the ingest endpoints, in bytes. Default 5 MiB. */
      maxBodyBytes?: number;
    };

    /** The embedded store's retention, applied every `intervalMinutes`. */
    retention?: {
      /** Events older than this many days are deleted. Default 7. */
      maxAgeDays?: number;
      /** The oldest events are deleted while the stored events take more than this many MiB. Default 1024. */
      maxSizeMb?: number;
      /** How often retention runs. Default 10. */
      intervalMinutes?: number;
    };

    /**
     * Geo-IP enrichment from a local MaxMind-format database (for example
     * GeoLite2-City.mmdb). Without it events get no geo fields.
     */
    geoip?: {
      /** Path of the .mmdb file. */
      databasePath?: string;
    };

    /** `store: opensearch`: the cluster, reached with the official client. */
    opensearch?: {
      /** For example https://opensearch.example.com:9200 */
      node: string;
      /** Index name prefix; events go to `<prefix>-YYYY.MM.DD`. Default `pilothouse-logs`. */
      indexPrefix?: string;
      username?: string;
      /** @visibility secret */
      password?: string;
    };

    /** `store: loki`: read through Loki's HTTP API (LogQL, query_range). */
    loki?: {
      /** For example http://loki.monitoring:3100 */
      url: string;
      /** X-Scope-OrgID for multi-tenant Loki. */
      tenant?: string;
      /** @visibility secret */
      bearerToken?: string;
    };
  };
}
