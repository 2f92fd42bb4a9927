import { formatDuration } from '../duration.js';
import type { Incidents } from '../alerts/incidents.js';
import { incidentSeverity } from '../alerts/incidents.js';
import { ICON } from '../alerts/service.js';
import { noArgs, type CommandSpec } from './registry.js';

/** `/incidents`: the open incidents, newest first: number, service, how many alerts fire, since when, who acknowledged. */
export function incidentsCommand(core: { incidents: Pick<Incidents, 'open'> }): CommandSpec<string[]> {
  return {
    name: 'incidents',
    description: 'List open incidents',
    args: noArgs,
    async run(ctx) {
      const open = await core.incidents.open();
      if (!open.length) return void (await ctx.reply({ text: 'No open incidents.' }));
      const now = Date.now();
      const lines = open.map(({ incident: i, alerts }) => {
        const firing = alerts.filter((a) => !a.resolved_at).length;
        const who = i.acknowledged_by ? `, ✔ ${i.acknowledged_by}` : '';
        // The title is the first alert's line, which already names the service (`billing: …`).
        const title = i.service && i.title.startsWith(`${i.service}: `) ? i.title.slice(i.service.length + 2) : i.title;
        return `${ICON[incidentSeverity(alerts)]} #${i.id}${i.service ? ` ${i.service}` : ''}: ${title} (${firing}/${alerts.length} firing, for ${formatDuration(now - i.opened_at.getTime())}${who})`;
      });
      await ctx.reply({ title: `${open.length} open incident${open.length === 1 ? '' : 's'}`, text: lines.join('\n') });
    },
  };
}
