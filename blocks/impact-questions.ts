import type { KnownBlock, PlainTextOption } from '@slack/types';
import type { Incident } from '../db/schema';
import { IMPACT_AREAS, IMPACT_COST_MAX } from '../src/domain/business-impact';
import { FIELD_ACTION } from './inputs';
import { plain } from './text';

/**
 * Seed 000 Rep.4.4: the business impact, asked at triage and again at resolution (both optional),
 * starting from what is recorded.
 */
export function impactQuestions(i: Pick<Incident, 'impactAreas' | 'impactCost'>): KnownBlock[] {
  const options: PlainTextOption[] = IMPACT_AREAS.map((a) => ({ text: plain(a.label, 75), value: a.value }));
  const initial = options.filter((o) => (i.impactAreas ?? []).includes(o.value ?? ''));
  return [
    {
      type: 'input',
      block_id: 'impactAreas',
      optional: true,
      label: plain('Business impact', 2000),
      hint: plain('What it did to the business, for the report to management.', 2000),
      element: {
        type: 'checkboxes',
        action_id: FIELD_ACTION,
        options,
        ...(initial.length > 0 ? { initial_options: initial } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'impactCost',
      optional: true,
      label: plain('Estimated cost (whole amount)', 2000),
      element: {
        type: 'number_input',
        action_id: FIELD_ACTION,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: String(IMPACT_COST_MAX),
        ...(i.impactCost !== null ? { initial_value: String(i.impactCost) } : {}),
      },
    },
  ];
}
