/**
 * Seed 000 Rep.2 ("evidence gathering"), ISO 27001 A.5.28: files and notes attached to an
 * incident are registered with who, when, from where, SHA-256 and size; every later export of the
 * evidence is logged (chain of custody); the evidence pack lists them with their hashes. Slack
 * keeps the file; Vigil keeps the record.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD_ACTIONS } from '../../blocks/record-controls';
import { evidence, incidentEvents } from '../../db/schema';
import { messageShortcut } from '../../src/local-slack/payloads';
import { ADD_AS_EVIDENCE } from '../../src/slack/listeners/shortcuts/add-as-evidence';
import { incidentCommand, postedLater } from '../helpers/incident-command';
import { createWorld, PEOPLE, SECURITY_CHANNEL, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const BYTES = Buffer.from('From: "IT Support" <it-support@examp1e.com>\nSubject: Password expiry\n');
const SHA = createHash('sha256').update(BYTES).digest('hex');
const incident = () => storedIncident(world, REF);
const register = () => world.db.select().from(evidence).all();
const events = (type: string) =>
  world.db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incident().id))
    .all()
    .filter((e) => e.type === type);

async function reported() {
  world = await createWorld();
  await world.report(PEOPLE.staff, { category: 'malware' });
  await world.vigil.outbox.drain();
}

describe('the evidence register (seed 000 Rep.2, ISO 27001 A.5.28)', () => {
  it('registers a file shared in the card’s thread with its SHA-256 and size; the evidence pack lists it, and its export is logged', async () => {
    await reported();
    const shared = world.fake.shareFile(
      PEOPLE.responder,
      SECURITY_CHANNEL,
      { filename: 'phish.eml', bytes: BYTES, mimetype: 'message/rfc822', text: 'The original email' },
      world.card(REF).ts,
    );
    if (!shared) throw new Error('not shared');
    const res = await world.people
      .as(PEOPLE.responder)
      .messageShortcut({ channel: SECURITY_CHANNEL, ts: shared.ts }, ADD_AS_EVIDENCE);
    await world.settled();
    await world.vigil.outbox.drain();
    expect(res.replies()).toEqual([
      `:paperclip: Registered as ${REF}’s evidence: phish.eml (SHA-256 ${SHA.slice(0, 16)}…).`,
    ]);
    // Vigil downloaded it with the bot token to hash it; Slack keeps the file.
    expect(world.fake.callsTo('files.download', { ok: true })).toHaveLength(1);
    expect(register()).toEqual([
      expect.objectContaining({
        incidentId: incident().id,
        kind: 'file',
        source: 'thread',
        fileId: shared.fileId,
        name: 'phish.eml',
        mimetype: 'message/rfc822',
        size: BYTES.length,
        sha256: SHA,
        note: 'The original email',
        addedBy: PEOPLE.responder,
        addedAt: world.clock.now(),
        messageTs: shared.ts,
      }),
    ]);
    expect(events('evidence_registered')[0]?.after).toMatchObject({
      evidence: [{ name: 'phish.eml', size: BYTES.length, sha256: SHA }],
    });
    expect(world.threadLines().join('\n')).toContain(
      `<@${PEOPLE.responder}> registered evidence: phish.eml (${BYTES.length} bytes, SHA-256 \`${SHA.slice(0, 16)}…\`)`,
    );
    // Offered again, it is not registered twice.
    const again = await world.people
      .as(PEOPLE.responder)
      .messageShortcut({ channel: SECURITY_CHANNEL, ts: shared.ts }, ADD_AS_EVIDENCE);
    await world.settled();
    expect(again.replies()).toEqual([`That message is already in ${REF}’s evidence.`]);
    expect(register()).toHaveLength(1);

    // The evidence pack lists it with its hash; the export is logged first (chain of custody).
    const cmd = await incidentCommand(world, PEOPLE.siro, `evidence ${REF}`);
    expect(JSON.stringify(postedLater(world, cmd.responseUrl))).toContain('evidence pack');
    const pack = world.fake.uploads.find((u) => u.filename === `${REF}-evidence.json`);
    const json = JSON.parse(pack?.bytes.toString('utf8') ?? '{}') as {
      evidence: { name: string; sha256: string; size: number }[];
      auditTrail: { type: string; actor: string }[];
    };
    expect(json.evidence).toEqual([
      expect.objectContaining({
        name: 'phish.eml',
        sha256: SHA,
        size: BYTES.length,
        addedBy: PEOPLE.responder,
      }),
    ]);
    expect(json.auditTrail.at(-1)).toMatchObject({ type: 'evidence_exported', actor: PEOPLE.siro });
    const md = world.fake.uploads.find((u) => u.filename === `${REF}-evidence.md`);
    expect(md?.bytes.toString('utf8')).toContain(
      `| phish.eml | ${BYTES.length} | ${SHA} | thread | ${PEOPLE.responder} |`,
    );
    expect(events('evidence_exported')).toEqual([
      expect.objectContaining({
        actorId: PEOPLE.siro,
        after: expect.objectContaining({
          via: '/incident evidence',
          items: 1,
          evidenceIds: [register()[0]?.id],
        }),
      }),
    ]);
    await world.vigil.outbox.drain();
    expect(world.threadLines().join('\n')).toContain(
      `<@${PEOPLE.siro}> exported the evidence pack (1 evidence item)`,
    );
  });

  it('registers files and a note from the card’s form', async () => {
    await reported();
    const fileId = world.fake.uploadFromForm(PEOPLE.siro, { filename: 'firewall.log', bytes: BYTES });
    await world.click(PEOPLE.siro, world.card(REF), RECORD_ACTIONS.addEvidence);
    const empty = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {});
    expect(empty.body).toMatchObject({
      response_action: 'errors',
      errors: { note: 'Please attach a file or write a note.' },
    });
    const saved = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      files: fileId,
      note: 'Exported from the firewall at 10:02',
    });
    expect(saved.body).toBeNull();
    expect(register()).toEqual([
      expect.objectContaining({
        kind: 'file',
        source: 'form',
        name: 'firewall.log',
        sha256: SHA,
        size: BYTES.length,
        note: 'Exported from the firewall at 10:02',
        addedBy: PEOPLE.siro,
      }),
    ]);
  });

  it('refuses a forged "Add as evidence" from someone outside the team, without fetching the file', async () => {
    await reported();
    const shared = world.fake.shareFile(
      PEOPLE.responder,
      SECURITY_CHANNEL,
      { filename: 'phish.eml', bytes: BYTES },
      world.card(REF).ts,
    );
    if (!shared) throw new Error('not shared');
    const responseUrl = world.fake.responseUrl();
    const payload = messageShortcut({
      userId: PEOPLE.staff2,
      callbackId: ADD_AS_EVIDENCE,
      triggerId: world.fake.issueTrigger(PEOPLE.staff2),
      channelId: SECURITY_CHANNEL,
      messageTs: shared.ts,
      messageText: '',
      messageUser: PEOPLE.responder,
      responseUrl,
    });
    const res = await world.slack.interaction({
      ...payload,
      message: {
        type: 'message',
        user: PEOPLE.responder,
        ts: shared.ts,
        thread_ts: world.card(REF).ts,
        text: '',
        files: shared.files,
      },
    });
    await world.settled();
    expect(res.status).toBe(200);
    expect(JSON.stringify(postedLater(world, responseUrl))).toContain(`may register evidence on ${REF}`);
    expect(world.fake.callsTo('files.download')).toEqual([]);
    expect(register()).toEqual([]);
  });
});
