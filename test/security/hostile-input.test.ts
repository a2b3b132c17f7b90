import { parse } from 'csv-parse/sync';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { actions, incidentEvents, incidents, notifications, reviews } from '../../db/schema';
import type { Answer } from '../../src/local-slack/fill-view';
import type { FakeView } from '../../src/local-slack/local-slack';
import { driveLifecycle, type LifecycleTexts, NEW_IRM, REFERENCE } from '../helpers/lifecycle';
import {
  mrkdwnTexts,
  recordedSurfaces,
  type Surface,
  surfaceProblems,
  textObjects,
} from '../helpers/surfaces';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/** What Slack would turn into a ping or a link if it reached mrkdwn unescaped. */
const LIVE = [
  '<!channel>',
  '<!everyone>',
  '<!here>',
  '<@U123>',
  '<#C123>',
  '<!subteam^S123>',
  '<https://evil',
];
/** What a forged payload can carry but nobody should see: control characters, bidi overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNDISPLAYABLE = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

const INJECTION = "<!channel> <@U123> <https://evil.example|bank> *bold* &amp; '); drop table incidents;--";
const ODD = '\u0000\u0001\u0007\u001b\u001f \u202Eevil\u202C 👩‍👩‍👧 🔥 עברית العربية';
/**
 * Hostile text for one question, led by a marker naming the question (so a display that cuts the
 * text still shows whose it is), shortened for questions with a small limit.
 */
const hostile = (question: string, max = 3000) => {
  const full = `qz-${question} ${INJECTION} <!everyone> <#C123> <!subteam^S123> _it_ ~s~ \`c\` ${ODD}`;
  const short = `qz-${question} ${INJECTION} ${ODD}`;
  const tiny = `qz-${question} <!channel> <@U123> <https://evil|b> &amp; ');-- \u0000\u202E👩‍👩‍👧`;
  const fits = [full, short, tiny].find((t) => t.length <= max);
  if (!fits) throw new Error(`no hostile text fits ${max} characters`);
  return fits;
};
/** 100 KB of hostile text, whole repetitions only (no surrogate pair cut in half). */
const HUGE = hostile('huge').repeat(Math.ceil(100_000 / hostile('huge').length));

function hostileTexts(): LifecycleTexts {
  return {
    report: {
      title: hostile('title', 150),
      description: hostile('description'),
      location: hostile('location'),
      dataInvolved: hostile('dataInvolved'),
      peopleInvolved: hostile('peopleInvolved'),
      peopleAware: hostile('peopleAware'),
      personalDataKinds: hostile('personalDataKinds'),
      protectiveMarking: hostile('protectiveMarking', 200),
      thirdPartyUse: hostile('thirdPartyUse'),
      crimeNumber: hostile('crimeNumber', 100),
    },
    postHowSent: hostile('postHowSent', 500),
    postSentFrom: hostile('postSentFrom', 500),
    rationale: hostile('rationale'),
    regulatorRef: hostile('regulatorRef', 200),
    crimeNumber: hostile('unused'),
    certRef: hostile('certRef', 200),
    customersReason: hostile('customersReason', 2000),
    update: hostile('update', 2500),
    action: hostile('action', 1000),
    actionEdit: hostile('actionEdit', 1000),
    notDoing: hostile('notDoing', 2000),
    resolution: hostile('resolution'),
    analysis: {
      rootCause: hostile('rootCause'),
      contributingFactors: hostile('contributingFactors'),
      technicalMeasures: hostile('technicalMeasures'),
      administrativeMeasures: hostile('administrativeMeasures'),
      costAndResources: hostile('costAndResources'),
    },
    analysisComment: hostile('analysisComment', 2000),
    learning: {
      reasoning: hostile('reasoning'),
      vulnerabilities: hostile('vulnerabilities'),
      riskRegisterRef: hostile('riskRegisterRef', 200),
      noChangeReason: hostile('noChangeReason', 2000),
    },
    closure: hostile('closure', 2000),
    peerComment: hostile('peerComment', 2000),
    approvalComment: hostile('approvalComment', 2000),
    reopen: hostile('reopen', 2000),
    planNote: hostile('planNote', 2000),
  };
}

/**
 * Before each form is filled in properly, it is submitted with 100 KB in every text question:
 * each of them is answered with an error on its own block, and nothing changes.
 */
async function overTheLimits(w: World, user: string, form: FakeView) {
  const textBlocks = (
    (form.view.blocks ?? []) as { type: string; block_id?: string; element?: { type: string } }[]
  )
    .filter((b) => b.type === 'input' && b.element?.type === 'plain_text_input' && b.block_id)
    .map((b) => b.block_id as string);
  expect(textBlocks.length, String(form.view.callback_id)).toBeGreaterThan(0);
  const state = () => ({
    incidents: w.db.select({ v: incidents.version }).from(incidents).all(),
    events: w.db.select({ id: incidentEvents.id }).from(incidentEvents).all().length,
    actions: w.db.select().from(actions).all(),
  });
  const before = state();
  for (const block of textBlocks) {
    const what = `${String(form.view.callback_id)} ${block}`;
    const res = await w.submitForm(user, form, { [block]: HUGE as Answer });
    expect(res.body?.response_action, what).toBe('errors');
    expect((res.body?.errors as Record<string, string> | undefined)?.[block], what).toMatch(
      /under \d+ characters|just the reference/,
    );
  }
  expect(state()).toEqual(before);
}

describe('hostile text', () => {
  it('is stored verbatim from every input and shown safely everywhere it appears', async () => {
    world = await createWorld();
    const texts = hostileTexts();
    const { answers } = await driveLifecycle(world, texts, {
      beforeSubmit: (user, form) => overTheLimits(world, user, form),
    });

    // Stored exactly as typed, in every table it went to.
    const i = world.db.select().from(incidents).where(eq(incidents.reference, REFERENCE)).get();
    if (!i) throw new Error('no incident');
    for (const [key, value] of Object.entries(texts.report))
      expect(i[key as keyof typeof i], key).toBe(value);
    expect(i.lossDetails).toEqual({
      post_how_sent: texts.postHowSent,
      post_double_enveloped: 'no',
      post_sent_from: texts.postSentFrom,
    });
    expect(i.triageRationale).toBe(texts.rationale);
    expect(i.riskRegisterRef).toBe(texts.learning.riskRegisterRef);
    const byKind = Object.fromEntries(
      world.db
        .select()
        .from(notifications)
        .all()
        .map((n) => [n.kind, n]),
    );
    expect(byKind.regulator?.externalRef).toBe(texts.regulatorRef);
    expect(byKind.cert?.externalRef).toBe(texts.certRef);
    expect(byKind.police?.externalRef).toBe(texts.report.crimeNumber);
    expect(byKind.customers?.reason).toBe(texts.customersReason);
    expect(world.db.select().from(actions).get()).toMatchObject({
      description: texts.actionEdit,
      status: 'not_doing',
      statusReason: texts.notDoing,
    });
    const rounds = world.db.select().from(reviews).orderBy(asc(reviews.id)).all();
    const analyses = rounds.filter((r) => r.type === 'causal_analysis');
    expect(analyses.map((r) => r.content)).toEqual([texts.analysis, texts.analysis]);
    expect(analyses[0]?.comment).toBe(texts.analysisComment);
    expect(rounds.find((r) => r.type === 'learning')?.content).toEqual({
      recurrenceRisk: 'yes',
      ...texts.learning,
    });
    const peer = rounds.filter((r) => r.type === 'peer_review');
    expect(peer.map((r) => [r.content.justification, r.comment])).toEqual([
      [texts.closure, texts.peerComment],
      [texts.closure, null],
    ]);
    expect(rounds.find((r) => r.type === 'closure_approval')?.comment).toBe(texts.approvalComment);
    const events = world.db.select().from(incidentEvents).all();
    expect(events.find((e) => e.type === 'update')?.after).toMatchObject({ text: texts.update });
    expect(events.find((e) => e.type === 'action_edited')).toMatchObject({
      before: { description: texts.action },
      after: { description: texts.actionEdit },
    });
    expect(events.filter((e) => e.type === 'action_not_doing_proposed').map((e) => e.after?.reason)).toEqual([
      texts.notDoing,
      texts.notDoing,
    ]);
    expect(events.find((e) => e.type === 'resolved')?.after).toMatchObject({ how: texts.resolution });
    expect(events.find((e) => e.type === 'reopened')?.after).toMatchObject({ reason: texts.reopen });
    // The SQL metacharacters were only text: the register is all there.
    expect(world.db.select().from(incidents).all()).toHaveLength(1);

    // Everything Slack was asked to show, and everything sent back in an HTTP answer.
    const surfaces: Surface[] = [...recordedSurfaces(world.fake), ...answers];
    expect(world.fake.calls.filter((c) => !c.ok).map((c) => `${c.method}: ${c.error}`)).toEqual([]);
    for (const s of surfaces) {
      expect(surfaceProblems(s), s.where).toEqual([]);
      for (const t of mrkdwnTexts(s)) {
        for (const live of LIVE) expect(t.text, `${s.where}: ${live}`).not.toContain(live);
        expect(t.text, s.where).not.toMatch(UNDISPLAYABLE);
        if (t.text.includes('qz-') && t.verbatim !== undefined) expect(t.verbatim, s.where).toBe(true);
      }
      for (const t of textObjects(s.kind === 'view' ? s.content : s.content.blocks).filter(
        (x) => x.type === 'plain_text',
      ))
        expect(t.text, s.where).not.toMatch(UNDISPLAYABLE);
    }

    // …and the hostile text did reach each place it belongs, escaped, so the checks above saw it.
    const shown = (where: (s: Surface) => boolean) =>
      surfaces
        .filter(where)
        .map((s) => JSON.stringify(s.content))
        .join('\n');
    const cards = shown(
      (s) => /^chat\.(postMessage|update) → GSECURITY$/.test(s.where) && !s.content.thread_ts,
    );
    const thread = shown(
      (s) => s.where === `chat.postMessage → ${SECURITY_CHANNEL}` && Boolean(s.content.thread_ts),
    );
    const dm = (user: string) => shown((s) => s.where === `chat.postMessage → ${user}`);
    const home = (user: string) => shown((s) => s.where === `views.publish → ${user}`);
    const lookup = (user: string) => shown((s) => s.where === `/incident ${REFERENCE} (${user})`);
    const onCard = [
      ...Object.keys(texts.report),
      'postHowSent',
      'postSentFrom',
      'rationale',
      // Finished notifications fold to one line on the card; their references are in the thread.
      'action',
      'actionEdit',
      'notDoing',
      'resolution',
      'rootCause',
      'riskRegisterRef',
    ];
    for (const q of onCard) expect(cards, q).toContain(`qz-${q}`);
    expect(cards).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt;');
    // Emoji (with their zero-width joiners) and right-to-left scripts are shown as typed; the
    // override that would reverse the rest of the line is shown as a replacement character.
    expect(cards).toContain('👩‍👩‍👧 🔥 עברית العربية');
    expect(cards).toContain('\uFFFDevil\uFFFD');
    for (const q of [
      'rationale',
      'update',
      'action',
      'actionEdit',
      'notDoing',
      'resolution',
      'rootCause',
      'analysisComment',
    ])
      expect(thread, q).toContain(`qz-${q}`);
    for (const q of [
      'peerComment',
      'reopen',
      'regulatorRef',
      'certRef',
      'customersReason',
      'riskRegisterRef',
    ])
      expect(thread, q).toContain(`qz-${q}`);
    expect(dm(PEOPLE.staff2)).toContain('qz-action'); // the owner's DM and their reminder digest
    expect(home(PEOPLE.staff)).toContain('qz-title');
    expect(home(PEOPLE.siro)).toContain('qz-title');
    expect(lookup(PEOPLE.siro)).toContain('qz-description');
    expect(lookup(NEW_IRM)).toContain('qz-description');
    expect(lookup(PEOPLE.staff)).toContain('qz-title');
    expect(lookup(PEOPLE.staff)).not.toContain('qz-description');
    // DMs carry no report text beyond its title (PRODUCT.md Privacy): only what is owed, such as an
    // action's own text to whoever decides on it, or a comment sent back to the person it is for.
    const markers = (text: string) => [...new Set(text.match(/qz-[A-Za-z]+/g) ?? [])].sort();
    const isDigest = (s: Surface) => /items? needs? your attention$/.test(String(s.content.text));
    const irmDms = (digest: boolean) =>
      shown((s) => s.where === `chat.postMessage → ${NEW_IRM}` && isDigest(s) === digest);
    // The reporter's own DMs name their report by its title (received, handled, closed).
    expect(markers(dm(PEOPLE.staff))).toEqual(['qz-title']);
    for (const user of [PEOPLE.siro, PEOPLE.md]) expect(markers(dm(user)), user).toEqual(['qz-title']);
    expect(markers(dm(PEOPLE.hodFinance))).toEqual(['qz-analysisComment', 'qz-reopen', 'qz-title']);
    expect(markers(irmDms(false))).toEqual([
      'qz-action',
      'qz-actionEdit',
      'qz-notDoing',
      'qz-peerComment',
      'qz-reopen',
      'qz-title',
    ]);
    expect(markers(irmDms(true))).toEqual(['qz-action']);

    // The register's exports keep every character as typed.
    const file = (re: RegExp) =>
      world.fake.uploads.find((u) => re.test(u.filename))?.bytes.toString('utf8') ?? '';
    const [row] = parse(file(/^vigil-register-.*\.csv$/), { columns: true }) as Record<string, string>[];
    const [json] = JSON.parse(file(/^vigil-register-.*\.json$/)) as Record<string, unknown>[];
    const exported = {
      title: texts.report.title,
      description: texts.report.description,
      location: texts.report.location,
      protective_marking: texts.report.protectiveMarking,
      crime_number: texts.report.crimeNumber,
      triage_rationale: texts.rationale,
      risk_register_ref: texts.learning.riskRegisterRef,
    };
    expect(row).toMatchObject(exported);
    expect(json).toMatchObject(exported);
    const evidence = JSON.parse(file(/-evidence\.json$/)) as unknown;
    expect(JSON.stringify(evidence)).toContain(JSON.stringify(texts.update).slice(1, -1));
  }, 90_000);
});
