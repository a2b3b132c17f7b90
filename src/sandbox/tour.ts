/**
 * The guided first run: the procedure walked step by step by the demo organisation's people, so a
 * visitor sees it whole in two minutes and a team can rehearse it (ISO 27001 A.5.24). Each step
 * says who acts, where, and on which control by its label, the way a person would be told; "Do it
 * for me" performs it through the same Slack requests a click would send.
 */
import { desc } from 'drizzle-orm';
import { incidents } from '../../db/schema';
import { findControl, mentions } from './find-control';
import { DEMO, GENERAL, type Role, SECURITY } from './org';
import type { ActResult, Advance, FormAnswer, TourStep } from './protocol';
import type { Sandbox } from './sandbox';

type Where = 'general' | 'security' | 'dm' | 'home' | 'modal';
type Do =
  | { kind: 'command'; text: string }
  /** Clicks the control labelled `label` on the newest message (or Home) about the incident. */
  | { kind: 'click'; label: string }
  /** Answers the open form (by block id) and submits it. */
  | { kind: 'fill'; answers: Record<string, FormAnswer> }
  | { kind: 'advance'; jump: Advance }
  | { kind: 'look' };

interface StepDef {
  title: string;
  as: Role;
  where: Where;
  /** `{ref}` is the incident's reference once it has one. */
  instruction: string;
  do: Do;
}

const day = (from: Date, days: number) =>
  new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Up to the head of department acting from a DM. Steps for the later duties (causal analysis,
 * approval, closure) are written the same way once those duties have their DM controls.
 */
function script(now: Date): StepDef[] {
  return [
    {
      title: 'Report a lost laptop',
      as: 'staff',
      where: 'general',
      instruction:
        'Sam Taylor (Finance) left a work laptop on a train. In #general, Sam types /report-incident Laptop left on a train.',
      do: { kind: 'command', text: '/report-incident Laptop left on a train' },
    },
    {
      title: 'Fill in the report',
      as: 'staff',
      where: 'modal',
      instruction:
        'The form asks only what Sam knows within a minute. Choose the category, say what happened and the department, then Send report.',
      do: {
        kind: 'fill',
        answers: {
          category: 'device_loss',
          description:
            'I left my work laptop on the 08:12 train to Leeds. It holds customer spreadsheets and is not encrypted.',
          department: 'Finance',
          encrypted: 'no',
        },
      },
    },
    {
      title: 'Sam has a reference',
      as: 'staff',
      where: 'dm',
      instruction:
        'The form turned into a confirmation with the reference {ref}, and Vigil wrote to Sam: what happens next, no details.',
      do: { kind: 'look' },
    },
    {
      title: 'The security team sees the card',
      as: 'siro',
      where: 'security',
      instruction:
        'Sarah Okafor (SIRO) sees the triage card for {ref} in the private #security-incidents channel. She clicks Triage.',
      do: { kind: 'click', label: 'Triage' },
    },
    {
      title: 'Triage it',
      as: 'siro',
      where: 'modal',
      instruction:
        'A security incident, Critical (customer data on an unencrypted laptop), priority P1, with the reason. Save decision: the card changes in place.',
      do: {
        kind: 'fill',
        answers: {
          outcome: 'incident',
          severity: 'critical',
          priority: 'P1',
          rationale: 'Customer spreadsheets on an unencrypted company laptop, lost in a public place.',
        },
      },
    },
    {
      title: 'The head of department is told',
      as: 'hodFinance',
      where: 'dm',
      instruction:
        'Priya Shah, Head of Finance, is the Incident Response Manager by default: Vigil told her by DM, without the description.',
      do: { kind: 'look' },
    },
    {
      title: 'Plan an action',
      as: 'siro',
      where: 'security',
      instruction:
        'Back on the card, Sarah opens More… and picks Add action…: wipe the laptop remotely, owned by Priya.',
      do: { kind: 'click', label: 'Add action…' },
    },
    {
      title: 'Who owns it, by when',
      as: 'siro',
      where: 'modal',
      instruction:
        'Corrective, "Wipe the laptop remotely and revoke its certificates", owner Priya Shah, due in two days. Add.',
      do: {
        kind: 'fill',
        answers: {
          kind: 'corrective',
          description: 'Wipe the laptop remotely and revoke its certificates.',
          ownerId: DEMO.hodFinance.id,
          dueAt: day(now, 2),
        },
      },
    },
    {
      title: 'Act from a DM',
      as: 'hodFinance',
      where: 'dm',
      instruction:
        'Priya has the action in her DM with Vigil, with its buttons. She clicks Done: the card shows it done.',
      do: { kind: 'click', label: 'Done' },
    },
    {
      title: 'Jump ahead',
      as: 'hodFinance',
      where: 'dm',
      instruction:
        'Move the clock to the next working day: the reminder sweep runs, and Priya, as IRM, is reminded that the 24-hour target resolution time is near (or passed).',
      do: { kind: 'advance', jump: 'workday' },
    },
  ];
}

const CONVERSATIONS: Record<'general' | 'security', string> = { general: GENERAL.id, security: SECURITY.id };
const WAIT_MS = 3000;

async function eventually<T>(find: () => T | undefined): Promise<T | undefined> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class Tour {
  constructor(private readonly sandbox: Sandbox) {}

  private reference(): string | undefined {
    return this.sandbox.vigil.db
      .select({ reference: incidents.reference })
      .from(incidents)
      .orderBy(desc(incidents.id))
      .limit(1)
      .get()?.reference;
  }

  private conversation(as: Role, where: Where): string | undefined {
    if (where === 'general' || where === 'security') return CONVERSATIONS[where];
    return where === 'dm' ? this.sandbox.slack.dmChannelOf(DEMO[as].id) : undefined;
  }

  steps(): TourStep[] {
    const ref = this.reference() ?? 'the new incident';
    return script(this.sandbox.clock.now()).map((s, index) => {
      const conversation = this.conversation(s.as, s.where);
      return {
        index,
        title: s.title,
        instruction: s.instruction.replaceAll('{ref}', ref),
        persona: DEMO[s.as].id,
        where: conversation
          ? { conversation }
          : s.where === 'home'
            ? { home: true }
            : s.where === 'modal'
              ? { modal: true }
              : { none: true },
        ...(s.do.kind === 'click' ? { label: s.do.label } : {}),
      };
    });
  }

  /** Performs step `index` as its person would; waits (briefly) for what it acts on to appear. */
  async run(index: number): Promise<ActResult> {
    const step = script(this.sandbox.clock.now())[index];
    if (!step) return { ok: false, error: 'no such step' };
    const as = DEMO[step.as].id;
    const slack = this.sandbox.slack;
    const d = step.do;
    switch (d.kind) {
      case 'command':
        return this.sandbox.act(as, {
          type: 'command',
          conversation: this.conversation(step.as, step.where) ?? GENERAL.id,
          text: d.text,
        });
      case 'fill': {
        const viewId = await eventually(() => slack.openModals(as).at(-1));
        if (!viewId) return { ok: false, error: `${DEMO[step.as].name} has no form open` };
        return this.sandbox.act(as, { type: 'submit', viewId, answers: d.answers });
      }
      case 'advance':
        await this.sandbox.advance(d.jump);
        return { ok: true };
      case 'look':
        return step.where === 'home' ? this.sandbox.act(as, { type: 'home' }) : { ok: true };
      case 'click': {
        const target = await eventually(() => this.control(step, d.label));
        if (!target) return { ok: false, error: `No “${d.label}” where ${DEMO[step.as].name} looks (yet)` };
        return this.sandbox.act(as, { type: 'click', ...target });
      }
    }
  }

  /** The control labelled `label` on the newest message about the incident (or in Home) that has one. */
  private control(step: StepDef, label: string) {
    const as = DEMO[step.as].id;
    const ref = this.reference();
    if (step.where === 'home') {
      const home = this.sandbox.slack.published.get(as);
      const found = home ? findControl((home.blocks ?? []) as unknown[], label) : undefined;
      return found && home ? { surface: { viewId: String(home.id) }, ...found } : undefined;
    }
    const conversation = this.conversation(step.as, step.where);
    if (!conversation || !ref) return undefined;
    for (const m of this.sandbox.slack.messages(conversation).reverse()) {
      const found = mentions(m, ref) ? findControl(m.blocks ?? [], label) : undefined;
      if (found) return { surface: { conversation, ts: m.ts }, ...found };
    }
    return undefined;
  }
}
