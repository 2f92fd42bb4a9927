import type { Config, ServiceConfig } from '../config.js';
import { AureaError } from '../errors.js';

/**
 * The configured service a command names (`/deploy billing`, `/task billing …`, `/rollback billing`).
 * @throws AureaError UNKNOWN_SERVICE naming the services that are configured
 */
export function namedService(config: Pick<Config, 'services'>, service: string): ServiceConfig {
  const svc = config.services[service];
  if (svc) return svc;
  const configured = Object.keys(config.services);
  throw new AureaError(
    'UNKNOWN_SERVICE',
    configured.length
      ? `There is no service "${service}". Configured: ${configured.join(', ')}.`
      : `There is no service "${service}": no services are configured yet (services: in aurea.config.yaml).`,
  );
}
