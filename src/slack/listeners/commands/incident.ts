import { PassThrough } from 'node:stream';
import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import { INCIDENT_HELP, incidentDetails, incidentStatus } from '../../../../blocks/incident-lookup';
import { statisticsMessage } from '../../../../blocks/statistics-report';
import { incidents } from '../../../../db/schema';
import { type Period, parsePeriod } from '../../../dates';
import { messageUrl } from '../../../domain/links';
import { parseReference } from '../../../domain/numbering';
import { type Actor, relationsTo } from '../../../domain/roles';
import { loadCardModel } from '../../../services/card-model';
import { evidencePack } from '../../../services/evidence';
import { exportRegister } from '../../../services/export';
import { computeStatistics } from '../../../services/statistics';
import { refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { unescapeSlackText } from '../../view-state';

export const INCIDENT_COMMAND = '/incident';

/** Who keep and report on the register: the SIRO, CIO, Managing Director and IAO. */
export const isRegisterHolder = (actor: Actor) =>
  ['siro', 'cio', 'md', 'iao'].some((r) => actor.roles.has(r as never));
const isTeam = (actor: Actor) => isRegisterHolder(actor) || actor.roles.has('security');

async function uploadToDm(
  client: WebClient,
  userId: string,
  files: { name: string; content: string | Buffer }[],
  comment: string,
) {
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('no DM channel');
  await client.filesUploadV2({
    channel_id: channel,
    initial_comment: comment,
    file_uploads: files.map((f) => ({ file: Buffer.from(f.content), filename: f.name, title: f.name })),
  });
}

export function registerIncidentCommand(
  app: App,
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
      if (!incident || !(isTeam(actor) || rel?.irm || rel?.hod || rel?.reporter)) {
        // The same answer whether it does not exist or is not theirs: references are not an oracle.
        await ack({
          response_type: 'ephemeral',
          text: `You have no report ${reference}, or it is not yours to see.`,
        });
        if (incident) deps.logger.info(`refused lookup of ${reference} for ${command.user_id}`);
        return;
      }
      const now = deps.clock.now();
      const full = isTeam(actor) || rel?.irm || rel?.hod;
      const message = full
        ? incidentDetails(
            loadCardModel(deps.db, incident, now, deps.config.orgTimeZone),
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
      await ack({ response_type: 'ephemeral', text: INCIDENT_HELP });
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
    await sub({ deps, client, respond, userId: command.user_id, args: rest });
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
    const stats = computeStatistics(deps.db, { ...period, now, orgTimeZone: deps.config.orgTimeZone });
    await respond({ response_type: 'ephemeral', ...statisticsMessage(stats) });
  },

  async export({ deps, client, respond, userId, args }) {
    const format = args[0]?.toLowerCase() === 'json' ? 'json' : 'csv';
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => chunks.push(c));
    const count = await exportRegister(deps.db, sink, { format });
    const day = deps.clock.now().toISOString().slice(0, 10);
    await uploadToDm(
      client,
      userId,
      [{ name: `vigil-register-${day}.${format}`, content: Buffer.concat(chunks) }],
      `The incident register: ${count} incidents.`,
    );
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
    const pack = evidencePack(deps.db, incident, deps.clock.now());
    await uploadToDm(
      client,
      userId,
      [
        { name: `${incident.reference}-evidence.md`, content: pack.markdown },
        { name: `${incident.reference}-evidence.json`, content: pack.json },
      ],
      `Evidence pack for ${incident.reference}.`,
    );
    await respond({
      response_type: 'ephemeral',
      text: `:white_check_mark: The evidence pack for ${incident.reference} is in your DMs with me.`,
    });
  },
};
