/**
 * Turns what a visitor does on the page into what their Slack client would send Vigil: signed
 * requests through SlackPeople, refused where Slack would never deliver them. Vigil's answers that
 * Slack shows the person at once (a command's reply, a form's errors) are noted for the page.
 */
import { validateView } from '../local-slack/block-kit-limits';
import { type Answer, stateFromView } from '../local-slack/fill-view';
import type { LocalSlack } from '../local-slack/local-slack';
import { type Delivered, NotDelivered, type SlackPeople } from '../local-slack/people';
import type { Act, ActResult, AppFeatures, FormAnswer } from './protocol';
import { messageOf, type Timeline } from './timeline';

const answered = (d: Delivered): ActResult =>
  d.status === 200 ? { ok: true } : { ok: false, error: `Vigil answered HTTP ${d.status}` };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function answers(raw: Record<string, FormAnswer>): Record<string, Answer> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === '' ? null : v]));
}

/**
 * Files chosen in a form's file input arrive as "name" newline "data: URL" pairs: each is uploaded
 * to the sandbox's Slack, as Slack does when a person picks a file, and the form carries their ids.
 */
function uploaded(
  slack: LocalSlack,
  userId: string,
  viewId: string,
  given: Record<string, Answer>,
): Record<string, Answer> {
  const blocks = (slack.views.get(viewId)?.view.blocks ?? []) as {
    block_id?: string;
    element?: { type?: string };
  }[];
  const out = { ...given };
  for (const b of blocks) {
    const raw = b.block_id && b.element?.type === 'file_input' ? out[b.block_id] : undefined;
    if (typeof raw !== 'string' || !b.block_id) continue;
    const lines = raw.split('\n');
    const ids: string[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const data = /^data:([^;,]*)(?:;base64)?,(.*)$/s.exec(lines[i + 1] ?? '');
      if (!data) continue;
      ids.push(
        slack.uploadFromForm(userId, {
          filename: lines[i] || 'file',
          bytes: Buffer.from(data[2] ?? '', 'base64'),
          ...(data[1] ? { mimetype: data[1] } : {}),
        }),
      );
    }
    out[b.block_id] = ids.join(',') || null;
  }
  return out;
}

/** Slack checks what an app answers a form with before showing it; so does the sandbox. */
function refusedAnswer(delivered: Delivered, timeline: Timeline): string | undefined {
  const body = delivered.body;
  if (delivered.status !== 200) return `Vigil answered HTTP ${delivered.status}`;
  if (!isObject(body) || !isObject(body.view)) return undefined;
  const problems = validateView(body.view);
  if (problems.length === 0) return undefined;
  timeline.refuse(`response_action: ${String(body.response_action)}`, 'invalid_view', problems);
  return 'Slack refused the form Vigil answered with (see “Slack refused”)';
}

export async function act(
  ctx: { people: SlackPeople; timeline: Timeline; app: AppFeatures },
  as: string,
  a: Act,
): Promise<ActResult> {
  const { people, timeline, app } = ctx;
  const slack = people.slack;
  const person = people.as(as);
  try {
    switch (a.type) {
      case 'command': {
        const [command = ''] = a.text.trim().split(/\s+/);
        if (!app.commands.some((c) => c.command === command)) {
          timeline.addEphemeral({
            owner: as,
            conversation: a.conversation,
            author: 'Slackbot',
            text: `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
            blocks: [],
          });
          return { ok: true };
        }
        // Slack sends a command only from a conversation the person is in.
        if (!slack.canSee(as, slack.dmOrChannelId(a.conversation)))
          return { ok: false, error: 'Slack would not send that: you cannot see that conversation' };
        const text = a.text.trim().slice(command.length).trim();
        const delivered = await person.command(command, text, slack.dmOrChannelId(a.conversation));
        timeline.answersGoTo(delivered.responseName, a.conversation);
        if (isObject(delivered.body))
          timeline.addEphemeral({
            owner: as,
            conversation: a.conversation,
            author: 'Vigil',
            ...messageOf(delivered.body),
          });
        return answered(delivered);
      }
      case 'post': {
        const posted = slack.postAs(as, a.conversation, a.text, a.threadTs);
        return posted ? { ok: true } : { ok: false, error: 'You cannot post there' };
      }
      case 'click': {
        const surface =
          'viewId' in a.surface
            ? { viewId: a.surface.viewId }
            : { channel: a.surface.conversation, ts: a.surface.ts };
        const view = 'viewId' in a.surface ? slack.views.get(a.surface.viewId) : undefined;
        const stateValues = view && a.answers ? stateFromView(view.view, answers(a.answers)) : undefined;
        const delivered = await person.click(
          surface,
          a.actionId,
          {
            blockId: a.blockId,
            ...(a.option !== undefined ? { option: a.option } : {}),
            ...(a.user !== undefined ? { user: a.user } : {}),
          },
          stateValues,
        );
        if ('conversation' in a.surface) {
          const thread = slack.message(a.surface.conversation, a.surface.ts)?.thread_ts;
          timeline.answersGoTo(
            delivered.responseName,
            a.surface.conversation,
            thread !== a.surface.ts ? thread : undefined,
          );
        }
        return answered(delivered);
      }
      case 'submit': {
        const delivered = await person.submit(a.viewId, uploaded(slack, as, a.viewId, answers(a.answers)));
        const refused = refusedAnswer(delivered, timeline);
        if (refused) return { ok: false, error: refused };
        const body = delivered.body;
        if (isObject(body) && body.response_action === 'errors' && isObject(body.errors))
          return {
            ok: true,
            errors: Object.fromEntries(Object.entries(body.errors).map(([k, v]) => [k, String(v)])),
          };
        return { ok: true };
      }
      case 'close': {
        const stack = slack.openModals(as);
        const closing = a.all ? stack : stack.filter((id) => id === a.viewId);
        for (const id of closing.reverse()) slack.applyViewAnswer(as, id, null);
        return { ok: true };
      }
      case 'home': {
        return answered(await person.openHome());
      }
      case 'shortcut': {
        if (!app.globalShortcuts.some((s) => s.callbackId === a.callbackId))
          return { ok: false, error: 'No such shortcut' };
        return answered(await person.shortcut(a.callbackId));
      }
      case 'messageShortcut': {
        if (!app.messageShortcuts.some((s) => s.callbackId === a.callbackId))
          return { ok: false, error: 'No such shortcut' };
        const delivered = await person.messageShortcut({ channel: a.conversation, ts: a.ts }, a.callbackId);
        timeline.answersGoTo(delivered.responseName, a.conversation);
        return answered(delivered);
      }
    }
  } catch (err) {
    if (err instanceof NotDelivered) return { ok: false, error: `Slack would not send that: ${err.message}` };
    throw err;
  }
}
