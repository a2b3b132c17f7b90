import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { DECISION_CHOICE_ACTION } from '../../blocks/card-modals';
import { REPORT_KIND_ACTION } from '../../blocks/report-modal';
import { stateFromView } from '../../src/local-slack/fill-view';
import { createWorld, PEOPLE, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => storedIncident(world, REF);
const blocksOf = (user: string) => JSON.stringify(world.lastModal(user).view.blocks);

describe('forms keep their promises (issue 13 item 2)', () => {
  it('suggests a severity from what the report says, and says why', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, {
      personalData: 'yes',
      personalDataCount: 212,
      customersAffected: 'yes',
    });
    await world.vigil.outbox.drain();
    // A lost device is Medium by its category; personal data of 212 people makes it High.
    expect(incident().suggestedSeverity).toBe('high');
    expect(JSON.stringify(world.card(REF).blocks)).toContain('severity not set (suggested High)');
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    const form = blocksOf(PEOPLE.siro);
    expect(form).toContain('Suggested High: personal data of about 212 people');
    expect(form).toContain('"initial_option":{"text":{"type":"plain_text","text":"High: real harm');
  });

  it('keeps the category’s tier when the report says nothing more', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    expect(incident().suggestedSeverity).toBe('medium');
    expect(blocksOf(PEOPLE.siro)).toContain('Suggested Medium for its category');
  });

  it('never demands the priority it marks optional: left empty, it follows the severity', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    const form = blocksOf(PEOPLE.siro);
    // Each choice says what it means.
    expect(form).toContain('P1: now, before any other work');
    expect(form).toContain('Low: little or no harm');
    const res = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      severity: 'high',
      rationale: 'Customer list on it',
    });
    expect(res.body).toBeNull();
    expect(incident()).toMatchObject({ status: 'triaged', severity: 'high', priority: 'P2' });
  });

  it('shows the GDPR Art. 33(5) hint on the regulator’s form only', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, {
      personalData: 'yes',
      category: 'intrusion',
      customersAffected: 'yes',
    });
    await world.vigil.outbox.drain();
    const forms: Record<string, string> = {};
    const card = world.card(REF);
    for (const b of card.blocks) {
      const button = b.accessory;
      if (button?.action_id !== CARD_ACTIONS.recordNotification) continue;
      const opened = world.fake.callsTo('views.open', { ok: true }).length;
      await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.recordNotification, {
        block: String(b.block_id).split(':').at(-1),
      });
      if (world.fake.callsTo('views.open', { ok: true }).length > opened)
        forms[String(b.block_id)] = blocksOf(PEOPLE.siro);
    }
    const withHint = Object.values(forms).filter((f) => f.includes('Art. 33(5)'));
    expect(Object.keys(forms).length).toBeGreaterThan(1);
    expect(withHint).toHaveLength(1);
    expect(withHint[0]).toContain('regulator');
  });

  it('asks for a comment only once "Send back" is chosen, and then does not mark it optional', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, { severity: 'medium', rationale: 'Laptop' });
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.startResolution);
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.resolve, { how: 'Wiped' });
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.analysis, {
      rootCause: 'No encryption',
      technicalMeasures: 'BitLocker',
      costAndResources: 'Two days',
    });
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.analysisReview);
    const form = world.lastModal(PEOPLE.siro);
    const comment = (blocks: unknown) =>
      (blocks as { block_id?: string; optional?: boolean; label?: { text: string } }[]).find(
        (b) => b.block_id === 'comment',
      );
    expect(form.view.title).toMatchObject({ text: 'Review causal analysis' });
    expect(comment(form.view.blocks)).toMatchObject({
      optional: true,
      label: { text: 'Comment for the record' },
    });
    await world.people
      .as(PEOPLE.siro)
      .click({ viewId: form.id }, DECISION_CHOICE_ACTION, { option: 'returned' });
    await world.settled();
    const redrawn = world.lastModal(PEOPLE.siro);
    expect(redrawn.id).toBe(form.id);
    expect(comment(redrawn.view.blocks)).toMatchObject({
      optional: false,
      label: { text: 'What needs to change?' },
    });
    // Approving again makes it optional again: nothing marked optional is ever demanded.
    await world.people
      .as(PEOPLE.siro)
      .click({ viewId: form.id }, DECISION_CHOICE_ACTION, { option: 'approved' });
    await world.settled();
    expect(comment(world.lastModal(PEOPLE.siro).view.blocks)).toMatchObject({ optional: true });
    const res = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), { decision: 'approved' });
    expect(res.body).toBeNull();
  });

  it('asks what fits the kind chosen: a weakness has no time it occurred, a near miss is not "an incident"', async () => {
    world = await createWorld();
    const form = await world.openReportForm(PEOPLE.staff);
    const shown = () => JSON.stringify(world.fake.views.get(form.id)?.view);
    expect(shown()).toContain('What kind of incident is it?');
    expect(shown()).toContain('When did it occur?');
    for (const [kind, words, occurred] of [
      ['near_miss', 'What kind of near miss is it?', 'When did it nearly happen?'],
      ['weakness', 'What kind of weakness is it?', null],
    ] as const) {
      const now = world.fake.views.get(form.id)?.view ?? form.view;
      await world.people
        .as(PEOPLE.staff)
        .click({ viewId: form.id }, REPORT_KIND_ACTION, { option: kind }, stateFromView(now, { kind }));
      await world.settled();
      expect(shown()).toContain(words);
      expect(shown()).not.toContain('What kind of incident');
      if (occurred) expect(shown()).toContain(occurred);
      else expect(shown()).not.toContain('occurredAt');
    }
    expect(shown()).toContain('Report a weakness');
  });

  it('thanks the reporter at closure and tells them what was done, when the team chose to', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, { severity: 'low', rationale: 'Laptop' });
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.startResolution);
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.resolve, { how: 'Wiped' });
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.learning, {
      recurrenceRisk: 'no',
      reasoning: 'x',
      vulnerabilities: 'y',
      noChangeReason: 'z',
    });
    const asked = await world.act(PEOPLE.siro, REF, CARD_ACTIONS.closure, {
      noAction: 'yes',
      justification: 'Minor',
      reporterNote: 'The laptop was wiped remotely and replaced.',
    });
    expect(asked.errors).toBeNull();
    await world.act(PEOPLE.responder, REF, CARD_ACTIONS.peerReview, { decision: 'approved' });
    await world.act(PEOPLE.cio, REF, 'duty_approve_closure');
    expect(incident().status).toBe('closed');
    const last = JSON.stringify(world.dmsTo(PEOPLE.staff).at(-1)?.args);
    expect(last).toContain('is closed');
    expect(last).toContain('Thank you for reporting it');
    expect(last).toContain('*What was done:* The laptop was wiped remotely and replaced.');
  });
});
