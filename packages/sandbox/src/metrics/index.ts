import fs from 'node:fs';
import path from 'node:path';
import { MetricsSeed, ServiceMetrics } from './model';

export { ServiceMetrics, exposition, metricsSeedSchema } from './model';
export type { MetricsSeed, MetricsService } from './model';
export { writeMetricsHistory, historyInstants } from './history';
export type { MetricsHistoryOptions } from './history';

const ANCHOR_FILE = 'metrics.json';

/**
 * The labels Prometheus' scrape of the sandbox gives every series
 * (scripts/prometheus.sh sets them), written into the backfilled history too
 * so history and live scrapes are one series.
 */
export const SCRAPE_LABELS = { job: 'sandbox', instance: 'sandbox' };

/**
 * The seeded services' metrics. Incidents count back from when the data
 * directory was first used (kept in metrics.json), so the story, and the
 * history written for Prometheus, stay the same across restarts; without a
 * data directory, from now.
 */
export function openServiceMetrics(
  seed: MetricsSeed,
  dataDir?: string,
  now = Date.now(),
): ServiceMetrics {
  let anchor = now;
  if (dataDir) {
    const file = path.join(dataDir, ANCHOR_FILE);
    if (fs.existsSync(file)) {
      anchor = Date.parse(JSON.parse(fs.readFileSync(file, 'utf8')).anchor);
    } else {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(
        file,
        `${JSON.stringify({ anchor: new Date(now).toISOString() })}\n`,
      );
    }
  }
  return new ServiceMetrics(seed.services, { incidentAnchorMs: anchor });
}
