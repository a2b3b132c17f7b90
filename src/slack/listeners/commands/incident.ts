import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { RespondFn } from '@slack/bolt';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { INCIDENT_HELP, incidentDetails, incidentStatus } from '../../../../blocks/incident-lookup';
import { statisticsMessage } from '../../../../blocks/statistics-report';
import { userText } from '../../../../blocks/text';
import { incidents } from '../../../../db/schema';
import { type Period, parsePeriod } from '../../../dates';
import { logEvidenceAccess } from '../../../domain/evidence';
import { messageUrl } from '../../../domain/links';
import { nearestReference, parseReference } from '../../../domain/numbering';
import { seesDetails } from '../../../domain/restricted';
import { type Actor, relationsTo } from '../../../domain/roles';
import { loadCardModel } from '../../../services/card-model';
import { evidencePack } from '../../../services/evidence';
import { exportRegister } from '../../../services/export';
import { computeStatistics } from '../../../services/statistics';
import { refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { uploadFilesToDm, withTempDir } from '../../upload-files';
import { unescapeSlackText } from '../../view-state';
import type { Listeners } from '../router';

export const INCIDENT_COMMAND = '/incident';

/** Who keep and report on the register: the SIRO, CIO, Managing Director and IAO. */
export const isRegisterHolder = (actor: Actor) =>
  ['siro', 'cio', 'md', 'iao'].some((r) => actor.roles.has(r as never));
const isTeam = (actor: Actor) => isRegisterHolder(actor) || actor.roles.has('security');

/** Writes a file through `write` and waits until it is on disk. */
async function writeFile(path: string, write: (out: Writable) => Promise<unknown>): Promise<void> {
  const out = createWriteStream(path);
  await write(out);
  out.end();
  await finished(out);
}

const FAILED: Record<string, string> = {
  stats: 'The statistics could not be worked out',
  export: 'The register could not be sent to you',
  evidence: 'The evidence pack could not be sent to you',
};

/** What the person is told when a subcommand fails: what did not happen, and what to do. */
function failure(verb: string, err: unknown): string {
  const code = err instanceof WebAPIPlatformError ? ` (Slack said \`${String(err.data.error)}\`)` : '';
  return `:warning: ${FAILED[verb] ?? `/incident ${verb} did not work`} just now${code}. Please try again in a minute.`;
}

export function registerIncidentCommand(
  app: Listeners,
  deps: ListenerDeps,
  extra: Record<string, Subcommand> = {},
): void {
  app.command(INCIDENT_COMMAND, async ({ command, ack, client, respond }) => {
    const [verb = 'help', ...rest] = unescapeSlackText(command.text ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const actor = await resolveActor(deps, command.user_id);
    const reference = parseReference(verb);
    if (reference) {
      const incident = deps.db.select().from(incidents).where(eq(incidents.reference, reference)).get();
      const rel = incident ? relationsTo(actor, incident) : null;
      // A restricted record: its details to the SIRO and those added, its status to its reporter.
      const insider = incident ? seesDetails(deps.config, incident, actor.id) : false;
      const works = incident?.restricted ? insider : isTeam(actor) || rel?.irm || rel?.hod;
      if (!incident || !(works || rel?.reporter)) {
        // The same answer whether it does not exist or is not theirs: references are not an oracle.
        await ack({
          response_type: 'ephemeral',
          text: `You have no report ${reference}, or it is not yours to see.`,
        });
        if (incident) deps.logger.info(`refused lookup of ${reference} for ${command.user_id}`);
        return;
      }
      const now = deps.clock.now();
      const full = works;
      const message = full
        ? incidentDetails(
            loadCardModel(deps.db, incident, now, deps.config.orgTimeZone, deps.config.lateReportHours),
            incident.cardChannelId && incident.cardTs
              ? messageUrl(deps.workspaceUrl, incident.cardChannelId, incident.cardTs)
              : null,
          )
        : incidentStatus(incident, deps.config.orgTimeZone);
      await ack({ response_type: 'ephemeral', ...message });
      return;
    }
    const sub = { ...SUBCOMMANDS, ...extra }[verb.toLowerCase()];
    if (!sub) {
      // A word that is neither a reference nor a command is said to be unrecognised, with what it
      // most likely meant; plain help only when nothing was typed.
      const typed = (command.text ?? '').trim();
      const meant =
        nearestReference(typed) ?? nearestCommand(verb, Object.keys({ ...SUBCOMMANDS, ...extra }));
      await ack({
        response_type: 'ephemeral',
        text:
          typed && verb.toLowerCase() !== 'help'
            ? `\`${userText(typed.replace(/`/g, "'"), 60)}\` is not a reference or a command Vigil recognises.${meant ? ` Did you mean \`/incident ${meant}\`?` : ''}\n\n${INCIDENT_HELP}`
            : INCIDENT_HELP,
      });
      return;
    }
    if (!isRegisterHolder(actor)) {
      await ack();
      await refuse(
        deps,
        respond,
        command.user_id,
        'Only the SIRO, the CIO, the Managing Director and the Information Asset Officer may do that.',
        `/incident ${verb}`,
      );
      return;
    }
    await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' });
    // Every failure ends here, answered to the person: none reaches app.error, and nobody is left
    // looking at "Working on it…".
    try {
      await sub({ deps, client, respond, userId: command.user_id, args: rest });
    } catch (err) {
      const code =
        err instanceof WebAPIPlatformError
          ? String(err.data.error)
          : err instanceof Error
            ? err.message
            : 'unknown';
      deps.logger.warn(`/incident ${verb} failed for ${command.user_id} (${code})`);
      await respond({ response_type: 'ephemeral', text: failure(verb.toLowerCase(), err) }).catch(() =>
        deps.logger.warn(`/incident ${verb}: could not tell ${command.user_id} it failed`),
      );
    }
  });
}

export type Subcommand = (args: {
  deps: ListenerDeps;
  client: WebClient;
  respond: RespondFn;
  userId: string;
  args: string[];
}) => Promise<void>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  async stats({ deps, respond, args }) {
    const now = deps.clock.now();
    let period: Period;
    try {
      period = parsePeriod(args.join(' '), now, deps.config.orgTimeZone);
    } catch (err) {
      await respond({
        response_type: 'ephemeral',
        text: `${err instanceof Error ? err.message : String(err)}.`,
      });
      return;
    }
    const stats = computeStatistics(deps.db, {
      ...period,
      now,
      orgTimeZone: deps.config.orgTimeZone,
      lateReportHours: deps.config.lateReportHours,
    });
    await respond({ response_type: 'ephemeral', ...statisticsMessage(stats) });
  },

  async export({ deps, client, respond, userId, args }) {
    const format = args[0]?.toLowerCase() === 'json' ? 'json' : 'csv';
    const name = `vigil-register-${deps.clock.now().toISOString().slice(0, 10)}.${format}`;
    // Through a temporary file: the register streams to disk and from disk to Slack.
    const count = await withTempDir(async (dir) => {
      const path = join(dir, name);
      let rows = 0;
      await writeFile(path, async (out) => {
        rows = await exportRegister(deps.db, out, {
          format,
          viewer: { userId, siroIds: deps.config.roles.siro },
        });
      });
      await uploadFilesToDm(client, userId, [{ path, name }], `The incident register: ${rows} incidents.`);
      return rows;
    });
    await respond({
      response_type: 'ephemeral',
      text: `:white_check_mark: The register (${count} incidents) is in your DMs with me.`,
    });
  },

  async evidence({ deps, client, respond, userId, args }) {
    const reference = parseReference(args[0] ?? '');
    const incident = reference
      ? deps.db.select().from(incidents).where(eq(incidents.reference, reference)).get()
      : undefined;
    if (!incident) {
      await respond({
        response_type: 'ephemeral',
        text: 'Give a reference, e.g. `/incident evidence INC-2026-0007`.',
      });
      return;
    }
    // A restricted record's evidence goes only to the SIRO and the people they added.
    if (!seesDetails(deps.config, incident, userId)) {
      await refuse(
        deps,
        respond,
        userId,
        `Only the SIRO and the people they added may have the evidence pack of ${incident.reference}: it is restricted.`,
        `evidence of restricted ${incident.reference}`,
      );
      return;
    }
    // Chain of custody (ISO 27001 A.5.28): the export is logged before the pack is drawn, so it lists itself.
    logEvidenceAccess(deps, userId, incident, '/incident evidence');
    deps.outbox.kick();
    const pack = evidencePack(deps.db, incident, deps.clock.now());
    await withTempDir(async (dir) => {
      const md = { name: `${incident.reference}-evidence.md`, path: join(dir, 'evidence.md') };
      const json = { name: `${incident.reference}-evidence.json`, path: join(dir, 'evidence.json') };
      await writeFile(md.path, async (out) => out.write(pack.markdown));
      await writeFile(json.path, async (out) => out.write(pack.json));
      await uploadFilesToDm(client, userId, [md, json], `Evidence pack for ${incident.reference}.`);
    });
    await respond({
      response_type: 'ephemeral',
      text: `:white_check_mark: The evidence pack for ${incident.reference} is in your DMs with me.`,
    });
  },
};

/** The command one letter or two away from what was typed ("stat" → "stats"), if any. */
function nearestCommand(typed: string, commands: string[]): string | null {
  const word = typed.toLowerCase();
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0] ?? 0;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j] ?? 0;
        row[j] = Math.min(here + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length] ?? Number.POSITIVE_INFINITY;
  };
  const best = commands.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 && best.d < word.length ? best.c : null;
}
