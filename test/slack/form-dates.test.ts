import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { actions, incidents } from '../../db/schema';
import { createWorld, MINIMAL_REPORT, PEOPLE, type World } from '../helpers/world';

/**
 * Dates no person means, sent in a form as Slack's pickers send them (seconds for a date and time,
 * YYYY-MM-DD for a date): each is a field error on its question, never an HTTP 500, and nothing is
 * stored. The sane range is 1990 to the end of next year (the tests run in 2026).
 */
let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const seconds = (iso: string) => Date.parse(iso) / 1000;
const RANGE = 'Please choose a date between 1990 and 2027.';
const NOT_A_DATE = 'That is not a date on the calendar.';

describe('dates in forms', () => {
  it('refuses report times before 1990, far in the future, or beyond any calendar', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const cases: [Record<string, number>, Record<string, string>][] = [
      [{ discoveredAt: seconds('1985-06-01T10:00:00Z') }, { discoveredAt: RANGE }],
      [{ occurredAt: seconds('1901-01-01T10:00:00Z') }, { occurredAt: RANGE }],
      [{ discoveredAt: seconds('2300-01-01T10:00:00Z') }, { discoveredAt: RANGE }],
      [{ discoveredAt: 1e14 }, { discoveredAt: NOT_A_DATE }],
      [{ discoveredAt: -1e14 }, { discoveredAt: NOT_A_DATE }],
    ];
    for (const [answers, errors] of cases) {
      const res = await world.submitForm(PEOPLE.staff, view, { ...MINIMAL_REPORT, ...answers });
      expect({ answers, status: res.status, body: res.body }).toEqual({
        answers,
        status: 200,
        body: { response_action: 'errors', errors },
      });
    }
    expect(world.db.select().from(incidents).all()).toEqual([]);
  });

  it('refuses an impossible or out-of-range due date on an action, and takes next year’s last day', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const action = { kind: 'corrective', description: 'Wipe the laptop remotely', ownerId: PEOPLE.responder };
    for (const [dueAt, error] of [
      ['2026-02-30', NOT_A_DATE],
      ['2026-13-01', NOT_A_DATE],
      ['26-03-01', NOT_A_DATE],
      ['1989-12-31', RANGE],
      ['2028-01-01', RANGE],
      ['+275760-09-14', NOT_A_DATE],
    ] as const) {
      const { refused, errors } = await world.act(PEOPLE.siro, REF, CARD_ACTIONS.addAction, {
        ...action,
        dueAt,
      });
      expect({ dueAt, refused, errors }).toEqual({ dueAt, refused: null, errors: { dueAt: error } });
    }
    expect(world.db.select().from(actions).all()).toEqual([]);
    const { errors } = await world.act(PEOPLE.siro, REF, CARD_ACTIONS.addAction, {
      ...action,
      dueAt: '2027-12-31',
    });
    expect(errors).toBeNull();
    expect(world.db.select().from(actions).all()).toHaveLength(1);
  });

  it('refuses out-of-range times at triage, for a notification and for the restoration', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'yes' });
    await world.vigil.outbox.drain();
    const triage = { severity: 'low', priority: 'P4', rationale: 'Minor' };
    expect(
      await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, {
        ...triage,
        awareAt: seconds('1970-01-02T00:00:00Z'),
      }),
    ).toEqual({ refused: null, errors: { awareAt: RANGE } });
    expect(
      await world.act(PEOPLE.siro, REF, CARD_ACTIONS.recordNotification, { outcome: 'done', doneAt: 1e14 }),
    ).toEqual({ refused: null, errors: { doneAt: NOT_A_DATE } });
    expect(await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, triage)).toEqual({
      refused: null,
      errors: null,
    });
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.startResolution);
    expect(
      await world.act(PEOPLE.siro, REF, CARD_ACTIONS.resolve, {
        how: 'Reimaged',
        restoredAt: seconds('1989-12-31T23:00:00Z'),
      }),
    ).toEqual({ refused: null, errors: { restoredAt: RANGE } });
    expect(world.db.select().from(incidents).get()?.status).toBe('resolving');
  });
});
