/**
 * Sensitive reports (seed 000 Rep.1: the report goes past whoever it concerns; 003 §4.1): the
 * reporter restricts a report about a member of the security team or about their own head. The
 * channel's card shows its reference, kind and status only; details go to the SIRO and the people
 * the SIRO adds, and nowhere else: not in the card's thread, DMs, App Home, `/incident`, the
 * register exported to other role holders, or evidence packs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { incidentEvents } from '../../db/schema';
import { controlsOf } from '../../src/local-slack/people';
import { incidentCommand, postedLater } from '../helpers/incident-command';
import { createWorld, PEOPLE, SECURITY_CHANNEL, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const TITLE = 'Alex copies customer files to a USB stick';
const DESCRIPTION = 'Seen in the security office on Friday evening';
const incident = () => storedIncident(world, REF);
const controls = (blocks: unknown) => controlsOf((blocks ?? []) as unknown[]).map((c) => c.element.action_id);

async function lookup(user: string, text: string) {
  const res = await incidentCommand(world, user, text);
  return {
    now: JSON.stringify(res.body ?? ''),
    later: postedLater(world, res.responseUrl).map((b) => JSON.stringify(b)),
  };
}

/** Everything Slack was asked to show anyone but the SIRO (and, once added, `also`). */
function shownToOthers(also: string[] = []): string {
  return JSON.stringify(
    world.fake.calls
      .filter((c) => c.ok && /^(chat\.|views\.publish)/.test(c.method))
      .filter((c) => ![PEOPLE.siro, PEOPLE.staff, ...also].includes(String(c.args.channel ?? c.args.user_id)))
      .map((c) => c.args),
  );
}

describe('a restricted report (seed 000 Rep.1)', () => {
  it('keeps its details to the SIRO: the card, thread, DMs, Home, /incident and exports show only what they may', async () => {
    world = await createWorld();
    // The form says so, and offers it.
    const form = await world.openReportForm(PEOPLE.staff);
    expect(JSON.stringify(form.view.blocks)).toContain('then only the SIRO sees it');
    await world.submitForm(PEOPLE.staff, form, {
      category: 'intrusion',
      title: TITLE,
      description: DESCRIPTION,
      department: 'Finance',
      personalData: 'yes',
      concerns: 'security_team',
    });
    await world.vigil.outbox.drain();
    expect(incident()).toMatchObject({
      restricted: true,
      concerns: ['security_team'],
      irmId: PEOPLE.siro,
      hodId: null,
    });

    // The card: reference, kind and status; nothing else.
    const card = world.card(REF);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain(`${REF} · Restricted report`);
    expect(shown).toContain('Reported, awaiting triage');
    expect(shown).toContain('Incident');
    for (const secret of [TITLE, DESCRIPTION, PEOPLE.staff, 'Finance', 'Hacking', PEOPLE.hodFinance])
      expect(shown, secret).not.toContain(secret);
    expect(controls(card.blocks)).toEqual([
      DUTY_ACTIONS.manageAccess,
      CARD_ACTIONS.postUpdate,
      CARD_ACTIONS.addAction,
    ]);
    // The reporter is told it is restricted.
    expect(JSON.stringify(world.dmsTo(PEOPLE.staff)[0]?.args.blocks)).toContain(
      'your report is *restricted*',
    );

    // The SIRO is asked to triage it (without the title in the DM); the head of department and the
    // Managing Director (the regulator's notifier) are told nothing.
    expect(world.dmsTo(PEOPLE.siro).map((c) => String(c.args.text))).toContain(
      `${REF}: Waiting on you: a new report to triage`,
    );
    expect(world.dmsTo(PEOPLE.hodFinance)).toEqual([]);
    expect(world.dmsTo(PEOPLE.md)).toEqual([]);
    // The national CERT is the CIO's to tell, and the CIO cannot see it: the SIRO is asked to add someone.
    const access = world
      .dmsTo(PEOPLE.siro)
      .find((c) => String(c.args.text).includes('someone must be added'));
    expect(JSON.stringify(access?.args.blocks)).toContain('nobody who may see it can record a notification');
    expect(controls(access?.args.blocks)).toEqual([DUTY_ACTIONS.manageAccess]);

    // The security team: refused the card's controls, its thread stays silent.
    const post = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
    expect(post.replies).toEqual([`Only the SIRO and the people they added may do that on ${REF}.`]);
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, {
      severity: 'high',
      priority: 'P2',
      rationale: 'Insider copying data',
    });
    expect(incident().status).toBe('triaged');
    expect(world.threadLines()).toEqual([]);

    // /incident: the SIRO sees it all, its reporter the status, the security team and other role holders nothing.
    expect((await lookup(PEOPLE.siro, REF)).now).toContain(TITLE);
    expect((await lookup(PEOPLE.staff, REF)).now).toContain('Status: *Triaged*');
    for (const user of [PEOPLE.responder, PEOPLE.cio, PEOPLE.md])
      expect((await lookup(user, REF)).now, user).toContain(
        `You have no report ${REF}, or it is not yours to see.`,
      );

    // App Home: the team's list shows it without its title; the reporter and the SIRO see theirs.
    expect(JSON.stringify((await world.openHome(PEOPLE.responder)).blocks)).not.toContain(TITLE);
    expect(JSON.stringify((await world.openHome(PEOPLE.responder)).blocks)).toContain('Restricted report');
    expect(JSON.stringify((await world.openHome(PEOPLE.siro)).blocks)).toContain('Alex copies');
    expect(JSON.stringify((await world.openHome(PEOPLE.staff)).blocks)).toContain('Alex copies');

    // The register: another role holder gets the row without its details; the SIRO gets it all.
    // The evidence pack is the SIRO's (and those added) only.
    await lookup(PEOPLE.cio, 'export csv');
    const cioCsv =
      world.fake.uploads.find((u) => u.channel === world.fake.dmChannelOf(PEOPLE.cio))?.bytes.toString() ??
      '';
    expect(cioCsv).toContain(`${REF},triaged,incident`);
    expect(cioCsv).toContain('Restricted report');
    for (const secret of [TITLE, DESCRIPTION, PEOPLE.staff]) expect(cioCsv, secret).not.toContain(secret);
    await lookup(PEOPLE.cio, 'export json');
    const cioJson =
      world.fake.uploads
        .filter((u) => u.channel === world.fake.dmChannelOf(PEOPLE.cio))
        .at(-1)
        ?.bytes.toString() ?? '[]';
    const cioRow = (JSON.parse(cioJson) as Record<string, unknown>[]).find((r) => r.reference === REF);
    expect(cioRow).toMatchObject({ status: 'triaged', title: 'Restricted report', description: null });
    for (const secret of [TITLE, DESCRIPTION, PEOPLE.staff]) expect(cioJson, secret).not.toContain(secret);
    await lookup(PEOPLE.siro, 'export csv');
    const siroCsv =
      world.fake.uploads.find((u) => u.channel === world.fake.dmChannelOf(PEOPLE.siro))?.bytes.toString() ??
      '';
    expect(siroCsv).toContain(TITLE);
    const evidence = await lookup(PEOPLE.cio, `evidence ${REF}`);
    expect(evidence.later.join()).toContain(
      `Only the SIRO and the people they added may have the evidence pack of ${REF}`,
    );
    expect(world.fake.uploads.filter((u) => u.filename.includes('evidence'))).toEqual([]);

    // Nothing anyone else was shown carries the report's details.
    const others = shownToOthers();
    for (const secret of [TITLE, DESCRIPTION, 'Insider copying data'])
      expect(others, secret).not.toContain(secret);
  });

  it('lets the SIRO add people, audited: they are told, see it, and take the steps asked of them', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { category: 'intrusion', title: TITLE, concerns: 'security_team' });
    await world.vigil.outbox.drain();
    // Only the SIRO chooses who may see it.
    const byResponder = await world.click(PEOPLE.responder, world.card(REF), DUTY_ACTIONS.manageAccess);
    expect(byResponder.replies).toEqual([`Only the SIRO and the people they added may do that on ${REF}.`]);
    const res = await world.act(PEOPLE.siro, REF, DUTY_ACTIONS.manageAccess, { accessIds: PEOPLE.cio });
    expect(res).toEqual({ refused: null, errors: null });
    expect(incident().accessIds).toEqual([PEOPLE.cio]);
    expect(
      world.db
        .select()
        .from(incidentEvents)
        .all()
        .find((e) => e.type === 'access_changed'),
    ).toMatchObject({ actorId: PEOPLE.siro, before: { accessIds: [] }, after: { accessIds: [PEOPLE.cio] } });
    // The CIO is told, without the details, and asked for the national CERT notification.
    const told = world.dmsTo(PEOPLE.cio).map((c) => String(c.args.text));
    expect(told).toContain(`${REF}: you may now see this restricted report`);
    expect(told).toContain(`${REF}: Waiting on you: the National CERT must be told`);
    expect(JSON.stringify(world.dmsTo(PEOPLE.cio).map((c) => c.args))).not.toContain(TITLE);
    // The SIRO's request to add someone is settled; the CIO now sees the details.
    const asked = world.dmsTo(PEOPLE.siro).find((c) => String(c.args.text).includes('someone must be added'));
    const now = world.fake.message(PEOPLE.siro, String((asked?.response as { ts?: string } | undefined)?.ts));
    expect(JSON.stringify(now?.blocks)).toContain('No longer waiting on you');
    expect((await lookup(PEOPLE.cio, REF)).now).toContain(TITLE);
    // Taken off again, the CIO is back outside.
    await world.act(PEOPLE.siro, REF, DUTY_ACTIONS.manageAccess, { accessIds: '' });
    expect(incident().accessIds).toEqual([]);
    expect((await lookup(PEOPLE.cio, REF)).now).toContain('not yours to see');
    expect(world.threadLines()).toEqual([]);
    expect(world.fake.messages(SECURITY_CHANNEL).filter((m) => m.thread_ts)).toEqual([]);
  });

  it('is an ordinary report when nothing is ticked', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { title: TITLE });
    await world.vigil.outbox.drain();
    expect(incident()).toMatchObject({ restricted: false, concerns: null, hodId: PEOPLE.hodFinance });
    expect(JSON.stringify(world.card(REF).blocks)).toContain(TITLE);
  });
});
