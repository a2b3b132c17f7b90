import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, parseCardBlockId } from '../../blocks/card-ids';
import { SEVERITY_LABELS } from '../../blocks/labels';
import { closeDatabase, openDatabase } from '../../db/client';
import { incidentEvents, incidents } from '../../db/schema';
import { createWorld, PEOPLE, TEST_ENV, type World } from '../helpers/world';

const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const FILER = resolve('test/helpers/file-reports.ts');

let world: World | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await world?.stop();
  world = undefined;
});

function filer(databasePath: string, count: number, reporterId: string) {
  const child = fork(FILER, [databasePath, String(count), reporterId], {
    execArgv: ['--import', TSX],
    env: { PATH: process.env.PATH, ...TEST_ENV },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const ready = new Promise<void>((res) => child.once('message', () => res()));
  const done = new Promise<string[]>((res, rej) => {
    child.on('message', (m) => {
      if (typeof m === 'object' && m && 'references' in m) res((m as { references: string[] }).references);
    });
    child.once('exit', (code) => (code === 0 ? undefined : rej(new Error(`filer exited with ${code}`))));
  });
  return { child, ready, done };
}

describe('numbering across processes', () => {
  it('gives reports filed by two processes into one database unique, consecutive references', async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-two-')), 'vigil.db');
    closeDatabase(openDatabase(databasePath)); // migrated once, as the app would be before a CLI runs
    const a = filer(databasePath, 60, PEOPLE.staff);
    const b = filer(databasePath, 60, PEOPLE.staff2);
    await Promise.all([a.ready, b.ready]);
    a.child.send('go');
    b.child.send('go');
    const [fromA, fromB] = await Promise.all([a.done, b.done]);

    const expected = Array.from({ length: 120 }, (_, i) => `INC-2026-${String(i + 1).padStart(4, '0')}`);
    expect([...fromA, ...fromB].sort()).toEqual(expected);
    // They really ran side by side: each process's numbers are interleaved with the other's.
    const interleaved = fromA.some(
      (ref, n) => n > 0 && ref !== expected[expected.indexOf(fromA[0] ?? '') + n],
    );
    expect(interleaved).toBe(true);

    const db = openDatabase(databasePath);
    try {
      const stored = db.select().from(incidents).orderBy(asc(incidents.id)).all();
      expect(stored.map((i) => i.reference).sort()).toEqual(expected);
      // Every report is its reporter's: no process was given the other's row.
      const mine = new Set(fromA);
      for (const i of stored) expect(i.reporterId).toBe(mine.has(i.reference) ? PEOPLE.staff : PEOPLE.staff2);
      expect(db.select().from(incidentEvents).all()).toHaveLength(120);
    } finally {
      closeDatabase(db);
    }
  }, 60_000);
});

describe('conflicting clicks', () => {
  it('lets one of several simultaneous clicks on the same card win, and redraws the card as stored', async () => {
    world = await createWorld();
    const w = world;
    await w.report(PEOPLE.staff, { category: 'intrusion' });
    await w.vigil.outbox.drain();
    const REF = 'INC-2026-0001';
    await w.click(PEOPLE.siro, w.card(REF), CARD_ACTIONS.triage);
    await w.submitForm(PEOPLE.siro, w.lastModal(PEOPLE.siro), {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Looks like an intrusion',
    });
    await w.vigil.outbox.drain();
    const row = () => w.db.select().from(incidents).where(eq(incidents.reference, REF)).get();

    // Three rounds: the SIRO and a security-team member act on the same copy of the card at once.
    const refusals: string[] = [];
    for (const [siroPick, irm] of [
      [PEOPLE.hodEngineering, PEOPLE.staff2],
      [PEOPLE.staff2, PEOPLE.hodEngineering],
      [PEOPLE.hodFinance, PEOPLE.responder],
    ] as const) {
      const seen = w.card(REF);
      const before = row()?.version ?? 0;
      const posted = w.fake.responseUrlPosts.length;
      const results = await Promise.all([
        w.click(PEOPLE.siro, seen, CARD_ACTIONS.assignIrm, { user: siroPick }),
        w.click(PEOPLE.responder, seen, CARD_ACTIONS.assignIrm, { user: irm }),
        w.click(PEOPLE.responder, seen, CARD_ACTIONS.escalate),
        w.click(PEOPLE.siro, seen, CARD_ACTIONS.escalate),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      // Exactly one click changed the incident; each of the three others was told, by its own reply.
      await expect.poll(() => w.fake.responseUrlPosts.length - posted).toBe(3);
      await expect.poll(() => (row()?.version ?? 0) - before).toBe(1);
      const replies = w.fake.responseUrlPosts.slice(posted);
      expect(new Set(replies.map((p) => p.name)).size).toBe(3);
      refusals.push(...replies.map((p) => String(p.body.text)));
      await w.vigil.outbox.drain();
    }
    // A second escalation is answered with what happened (the state), before any version talk.
    for (const text of refusals)
      expect(text).toMatch(
        /^INC-2026-0001 (changed (while you were looking at it|at the same moment)|was already escalated just now by <@U[A-Z0-9]+>)/,
      );

    // The card shows what the register holds: its version, severity and IRM.
    const stored = row();
    if (!stored) throw new Error('no incident');
    const card = w.card(REF);
    const versions = card.blocks.flatMap((b) => {
      const ids = b.block_id ? parseCardBlockId(b.block_id) : null;
      return ids ? [ids.version] : [];
    });
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([stored.version]));
    const text = JSON.stringify(card.blocks);
    expect(text).toContain(
      `· ${SEVERITY_LABELS[stored.severity ?? 'medium']} ${stored.priority} · IRM <@${stored.irmId}>`,
    );
    expect(text).toContain(`*Incident Response Manager:* <@${stored.irmId}>`);
    expect(Boolean(stored.escalatedAt)).toBe(text.includes('Escalate again'));
    // One audit event per applied change, in the order of the versions.
    const events = w.db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, stored.id)).all();
    expect(events).toHaveLength(stored.version);
  });
});
