import type { TapHandler } from '../channels/action.js';
import type { AlertActionHandler, AlertService } from './service.js';

/**
 * The tap handler of alert buttons (`alert:<alert id>:<verb>`, e.g. 🩺 Diagnose): finds the alert
 * and runs the action registered for the verb.
 */
export function alertTapHandler(deps: { alerts: Pick<AlertService, 'get'>; alertActions: ReadonlyMap<string, AlertActionHandler> }): TapHandler {
  return async ({ action, actor }) => {
    const handler = deps.alertActions.get(action.verb);
    const alert = handler && (await deps.alerts.get(action.id));
    return handler && alert ? handler(alert, actor) : 'This button is no longer valid.';
  };
}
