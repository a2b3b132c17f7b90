import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are stored as UTC epoch milliseconds so SQL can compute durations for statistics.
const time = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * The durations the statistics measure, each with the partial index that holds it where it is
 * measured: both times present and in order (an end before its start measures nothing), and for
 * closures only incidents (a dismissal "closes" at triage).
 */
export const DURATION_INDEXES = (
  [
    { key: 'occurrenceToReport', start: 'occurred_at', end: 'reported_at', only: null },
    { key: 'reportToTriage', start: 'reported_at', end: 'triaged_at', only: null },
    { key: 'triageToResolution', start: 'triaged_at', end: 'resolved_at', only: null },
    { key: 'triageToClosure', start: 'triaged_at', end: 'closed_at', only: "triage_outcome = 'incident'" },
    { key: 'reportToClosure', start: 'reported_at', end: 'closed_at', only: "triage_outcome = 'incident'" },
  ] as const
).map((d) => ({
  ...d,
  index: `incidents_${d.key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
  where: `${d.end} >= ${d.start}${d.only ? ` and ${d.only}` : ''}`,
}));

/** Per-year reference counter: a reference is never reused, even if its incident row is lost. */
export const referenceCounters = sqliteTable('reference_counters', {
  year: integer('year').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

export const incidents = sqliteTable(
  'incidents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reference: text('reference').notNull().unique(),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    /** The modal's view id: a second submission of the same modal finds this row instead of a new one. */
    submissionKey: text('submission_key').unique(),
    source: text('source', { enum: ['command', 'shortcut', 'message'] }).notNull(),
    sourcePermalink: text('source_permalink'),

    kind: text('kind', { enum: ['incident', 'near_miss', 'weakness'] }).notNull(),
    category: text('category').notNull(),
    suggestedSeverity: text('suggested_severity', { enum: ['critical', 'high', 'medium', 'low'] }),
    title: text('title').notNull(),
    description: text('description').notNull(),
    occurredAt: time('occurred_at'),
    discoveredAt: time('discovered_at').notNull(),
    /** When the organisation became aware (GDPR Art. 33 clock); defaults to discovery, editable at triage. */
    awareAt: time('aware_at').notNull(),
    reportedAt: time('reported_at').notNull(),
    location: text('location'),
    department: text('department').notNull(),
    reporterId: text('reporter_id').notNull(),
    hodId: text('hod_id'),

    dataInvolved: text('data_involved'),
    peopleInvolved: text('people_involved'),
    peopleAware: text('people_aware'),
    /** Derived from the two answers below (yes if either is yes, no if both are no): escalation and urgent triage read it. */
    customersOrStaffAffected: text('customers_or_staff_affected', { enum: ['yes', 'no', 'unknown'] })
      .notNull()
      .default('unknown'),
    /** Only customers affected calls for telling them (seed 003 §5.7); staff affected escalates but owes nobody outside. */
    customersAffected: text('customers_affected', { enum: ['yes', 'no', 'unknown'] })
      .notNull()
      .default('unknown'),
    staffAffected: text('staff_affected', { enum: ['yes', 'no', 'unknown'] })
      .notNull()
      .default('unknown'),
    personalData: text('personal_data', { enum: ['yes', 'no', 'unknown'] })
      .notNull()
      .default('unknown'),
    /**
     * The questions the reporter answered "Not sure" (stored as `unknown`, like an unanswered one):
     * seed 003 §5.7 treats a possible breach like an actual one.
     */
    reporterNotSure: text('reporter_not_sure', { mode: 'json' }).$type<NotSureFact[]>(),
    personalDataCount: integer('personal_data_count'),
    personalDataKinds: text('personal_data_kinds'),
    sensitivity: text('sensitivity'),
    protectiveMarking: text('protective_marking'),
    encrypted: text('encrypted', { enum: ['yes', 'no', 'unknown', 'not_applicable'] }),
    thirdPartyUse: text('third_party_use'),
    assetOwnerId: text('asset_owner_id'),
    immediateCause: text('immediate_cause'),
    lossLocation: text('loss_location'),
    /** Answers to the seed's follow-up questions for the chosen loss location, as JSON. */
    lossDetails: text('loss_details', { mode: 'json' }).$type<Record<string, string>>(),
    crimeNumber: text('crime_number'),
    /**
     * Whom the reporter says the report is about, among those who would otherwise see it (their own
     * head of department, a member of the security team): the report is then restricted.
     */
    concerns: text('concerns', { mode: 'json' }).$type<Concern[]>(),
    /** Details go only to the SIRO and the people in `accessIds` (the card shows reference, kind, status). */
    restricted: integer('restricted', { mode: 'boolean' }).notNull().default(false),
    /** Who the SIRO let see and work a restricted record, besides the SIROs themselves. */
    accessIds: text('access_ids', { mode: 'json' }).$type<string[]>(),

    status: text('status', {
      enum: [
        'reported',
        'triaged',
        'resolving',
        'resolved',
        'in_review',
        'closed',
        'not_incident',
        'duplicate',
      ],
    })
      .notNull()
      .default('reported'),
    triageOutcome: text('triage_outcome', { enum: ['incident', 'not_incident', 'duplicate'] }),
    triageRationale: text('triage_rationale'),
    duplicateOfId: integer('duplicate_of_id'),
    severity: text('severity', { enum: ['critical', 'high', 'medium', 'low'] }),
    priority: text('priority'),
    irmId: text('irm_id'),
    triagedAt: time('triaged_at'),
    targetResolutionAt: time('target_resolution_at'),
    escalatedAt: time('escalated_at'),
    resolvedAt: time('resolved_at'),
    closedAt: time('closed_at'),
    resolutionNote: text('resolution_note'),
    closureJustification: text('closure_justification'),
    riskRegisterRef: text('risk_register_ref'),
    /** Seed 000 Rep.4.4: the business impact, recorded at triage or resolution (business-impact.ts). */
    impactAreas: text('impact_areas', { mode: 'json' }).$type<string[]>(),
    /** The estimated cost, a whole amount in the organisation's currency. */
    impactCost: integer('impact_cost'),

    cardChannelId: text('card_channel_id'),
    cardTs: text('card_ts'),
    /** Bumped on every change; a click carrying an older version is refused as stale. */
    version: integer('version').notNull().default(1),
    createdAt: time('created_at').notNull(),
    updatedAt: time('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('incidents_year_seq').on(t.year, t.seq),
    index('incidents_status').on(t.status),
    // Covers every statistic over a period without touching the table (bench/statistics.ts): the
    // months, durations, late reports, who is affected and the cost are counted in one pass over it.
    index('incidents_statistics').on(
      t.reportedAt,
      t.kind,
      t.category,
      t.department,
      t.severity,
      t.triageOutcome,
      t.immediateCause,
      t.occurredAt,
      t.triagedAt,
      t.resolvedAt,
      t.closedAt,
      t.discoveredAt,
      t.customersAffected,
      t.staffAffected,
      t.impactCost,
    ),
    // The reports that name a business impact, by time: most name none.
    index('incidents_impact').on(t.reportedAt, t.impactAreas).where(sql`impact_areas is not null`),
    index('incidents_reporter').on(t.reporterId),
    // Counts by kind × category × department × severity read this in order: grouped without a sort.
    index('incidents_groups').on(t.kind, t.category, t.department, t.severity, t.triageOutcome, t.reportedAt),
    // Repeat immediate causes, likewise; most reports have none.
    index('incidents_causes')
      .on(t.immediateCause, t.reportedAt, t.triageOutcome)
      .where(sql`immediate_cause is not null`),
    // One per duration the statistics measure: a percentile walks the durations in order
    // instead of sorting them.
    ...DURATION_INDEXES.map((d) =>
      index(d.index)
        .on(sql.raw(`(${d.end} - ${d.start})`), t.reportedAt)
        .where(sql.raw(d.where)),
    ),
  ],
);

/** Append-only audit trail; each row is hash-chained to the previous one to make edits evident. */
export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: time('at').notNull(),
    actorId: text('actor_id').notNull(),
    type: text('type').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    /** The short line mirrored into the card's thread. */
    summary: text('summary').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('incident_events_incident').on(t.incidentId, t.id),
    // The export's timeline notes: a probe per incident that finds nothing for most, without
    // reading each of their events.
    index('incident_events_timeline_notes').on(t.incidentId, t.id).where(sql`type = 'timeline_note'`),
  ],
);

export const actions = sqliteTable(
  'actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    kind: text('kind', { enum: ['corrective', 'preventive'] }).notNull(),
    description: text('description').notNull(),
    /** A person's member id, or a user group's id (S…) when the work is allocated to a team. */
    ownerId: text('owner_id').notNull(),
    /** For a team's action: the group's handle when it was given, for display without pinging it. */
    ownerGroupName: text('owner_group_name'),
    /** For a team's action: its members when it was given (or last edited); any of them settles it. */
    ownerMembers: text('owner_members', { mode: 'json' }).$type<string[]>(),
    dueAt: time('due_at'),
    /**
     * `not_doing_proposed`: the owner says it will not be done; it counts as open until the IRM or
     * SIRO accepts (`not_doing`) or keeps it open.
     */
    status: text('status', { enum: ['open', 'done', 'not_doing_proposed', 'not_doing'] })
      .notNull()
      .default('open'),
    statusReason: text('status_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: time('created_at').notNull(),
    completedAt: time('completed_at'),
  },
  (t) => [
    index('actions_incident').on(t.incidentId),
    index('actions_owner_status').on(t.ownerId, t.status),
    // The statistics' overdue actions: open ones by due time.
    index('actions_open_due').on(t.dueAt, t.incidentId).where(sql`status = 'open'`),
  ],
);

/** External notifications (regulator, police, CERT, customers) as obligations with deadlines. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** The outside body (domain/outside-bodies.ts): one of the four defaults, or one configured. */
    kind: text('kind').notNull(),
    /** The body's stage, for a body with several deadlines (NIS2: early warning, notification, final report). */
    stage: text('stage').notNull().default(''),
    /** The body and stage as named when the obligation was opened, so a later change of configuration keeps it. */
    label: text('label'),
    dueAt: time('due_at'),
    status: text('status', { enum: ['pending', 'done', 'not_required'] })
      .notNull()
      .default('pending'),
    doneBy: text('done_by'),
    doneAt: time('done_at'),
    externalRef: text('external_ref'),
    reason: text('reason'),
    createdAt: time('created_at').notNull(),
  },
  (t) => [uniqueIndex('notifications_incident_kind_stage').on(t.incidentId, t.kind, t.stage)],
);

/** Causal analysis rounds, learning reviews, peer reviews, closure approvals and the SIRO's agreement of the action plan. */
export const reviews = sqliteTable(
  'reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    type: text('type', {
      enum: ['causal_analysis', 'learning', 'peer_review', 'closure_approval', 'action_plan'],
    }).notNull(),
    round: integer('round').notNull().default(1),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: time('submitted_at').notNull(),
    content: text('content', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    decision: text('decision', { enum: ['pending', 'approved', 'returned'] })
      .notNull()
      .default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: time('decided_at'),
    comment: text('comment'),
  },
  (t) => [index('reviews_incident').on(t.incidentId, t.type)],
);

/**
 * Slack deliveries waiting to happen. Written in the same transaction as the change that causes
 * them, so a Slack outage or a crash delays a message but never loses it.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id').references(() => incidents.id),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Makes enqueueing idempotent: the same logical message is queued once. */
    dedupeKey: text('dedupe_key').unique(),
    status: text('status', { enum: ['pending', 'sent', 'dead'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: time('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: time('created_at').notNull(),
    sentAt: time('sent_at'),
    /**
     * The process holding a claimed delivery (`app@host:pid`, `cli@host:pid`), so a restarted app
     * takes back at once what its dead predecessor held instead of waiting out the lease.
     */
    leasedBy: text('leased_by'),
    /**
     * The order a delivery keeps: an incident's card, thread (its posts asking for steps too) and
     * edits in one lane; a person's Home in another; the monthly report's message and chart in a
     * third; a duty DM's post and its later edits in one; each other DM on its own. Deliveries of
     * different lanes go out side by side; within a lane, one at a time in id order.
     */
    lane: text('lane')
      .notNull()
      .generatedAlwaysAs(
        sql`CASE
  WHEN kind = 'home' THEN 'home:' || json_extract(payload, '$.userId')
  WHEN kind IN ('monthly_report', 'monthly_chart')
    THEN 'report:' || json_extract(payload, '$.userId') || ':' || json_extract(payload, '$.period')
  WHEN kind IN ('dm', 'digest') THEN 'dm:' || id
  WHEN kind = 'duty_message' AND json_extract(payload, '$.thread') IS NULL
    THEN 'msg:' || json_extract(payload, '$.messageId')
  WHEN kind = 'checkpoint' THEN 'checkpoint'
  ELSE 'card:' || coalesce(incident_id, '-')
END`,
        { mode: 'virtual' },
      ),
  },
  (t) => [
    index('outbox_pending').on(t.status, t.nextAttemptAt).where(sql`status = 'pending'`),
    // A lane's head, and the deliveries an edit answers, are found by seeking this (EXPLAIN-checked
    // in test/reliability/outbox.test.ts): never a scan of the pending rows.
    index('outbox_pending_lane').on(t.lane, t.id).where(sql`status = 'pending'`),
    // Parked deliveries are counted on every App Home render: without it, a scan of all sent rows.
    index('outbox_dead').on(t.status, t.kind).where(sql`status = 'dead'`),
  ],
);

/**
 * The evidence register (seed 000 Rep.2, ISO 27001 A.5.28): files and notes attached to an
 * incident, each with who added it, when, from where, and for a file its size and SHA-256 taken
 * when it was registered. Slack keeps the file; Vigil keeps the record. Every later access or
 * export is an audit event (the chain of custody).
 */
export const evidence = sqliteTable(
  'evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    kind: text('kind', { enum: ['file', 'note'] }).notNull(),
    /** Where it came from: the card's thread (a message shortcut), the reporter, or the team's form. */
    source: text('source', { enum: ['thread', 'reporter', 'form', 'message'] }).notNull(),
    /** Slack's file id (F…), for a file. */
    fileId: text('file_id'),
    name: text('name'),
    mimetype: text('mimetype'),
    size: integer('size'),
    sha256: text('sha256'),
    permalink: text('permalink'),
    /** The message it was shared with, when it came from one. */
    channelId: text('channel_id'),
    messageTs: text('message_ts'),
    /** A note, or what was said about the file. */
    note: text('note'),
    addedBy: text('added_by').notNull(),
    addedAt: time('added_at').notNull(),
  },
  (t) => [
    index('evidence_incident').on(t.incidentId, t.id),
    // A file is registered once per incident, however often it is offered.
    uniqueIndex('evidence_incident_file').on(t.incidentId, t.fileId),
  ],
);

/** Slack requests already applied (a view id, an action's timestamp): a retry takes effect once. */
export const processedRequests = sqliteTable('processed_requests', {
  key: text('key').primaryKey(),
  incidentId: integer('incident_id').references(() => incidents.id),
  at: time('at').notNull(),
});

/** One row per reminder sent: a second sweep, a restart or a second instance cannot send it again. */
export const remindersSent = sqliteTable('reminders_sent', {
  key: text('key').primaryKey(),
  userId: text('user_id').notNull(),
  itemKey: text('item_key').notNull(),
  sentAt: time('sent_at').notNull(),
});

/** A person's "snooze" or "done" on a reminder item, until a time (done: far in the future). */
export const snoozes = sqliteTable(
  'snoozes',
  {
    userId: text('user_id').notNull(),
    itemKey: text('item_key').notNull(),
    until: time('until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.itemKey] })],
);

/** People who opened App Home, so their Home is refreshed when something they see changes. */
export const homeViews = sqliteTable('home_views', {
  userId: text('user_id').primaryKey(),
  /** Whether they saw the security team's view when they last opened it. */
  team: integer('team', { mode: 'boolean' }).notNull(),
  openedAt: time('opened_at').notNull(),
  /** The Home view Slack gave the person, so a click in "their Home" is known to come from it. */
  viewId: text('view_id'),
});

/**
 * Messages Vigil posts that ask someone to take a step: a DM to the person who owes it, a post in
 * the card's thread for the security team, or a reminder digest. Kept so that each is edited in
 * place once its steps are done, by whoever did them, and its buttons go.
 */
export const dutyMessages = sqliteTable(
  'duty_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id').references(() => incidents.id),
    /** `dm` and `digest` go to `userId`; `thread` goes under the incident's card. */
    kind: text('kind', { enum: ['dm', 'thread', 'digest'] }).notNull(),
    userId: text('user_id'),
    /** What a digest listed (its items), so it can be drawn again with the settled ones marked. */
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>(),
    channelId: text('channel_id'),
    ts: text('ts'),
    createdAt: time('created_at').notNull(),
  },
  (t) => [
    index('duty_messages_incident').on(t.incidentId),
    index('duty_messages_posted').on(t.channelId, t.ts),
  ],
);

/**
 * The steps a duty message asks for (one, or one per item of a digest). Settled when the step no
 * longer stands for its owner: the event that settled it says who did what, and when.
 */
export const messageDuties = sqliteTable(
  'message_duties',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => dutyMessages.id),
    /** The duty, e.g. `peer_review:12`, `action:40` (see src/domain/duties.ts). */
    duty: text('duty').notNull(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    /** Who owes it through this message; '' for a thread post or a digest item (whoever owes it). */
    ownerId: text('owner_id').notNull(),
    /** How the step stood when the message was last drawn (an action open, or proposed "won't do"). */
    state: text('state').notNull(),
    settledAt: time('settled_at'),
    settledBy: text('settled_by'),
    settledEventId: integer('settled_event_id'),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.duty] }),
    index('message_duties_open').on(t.incidentId).where(sql`settled_at is null`),
    // Whether an incident has any record of what it owes (start-up's backfill asks it of every open
    // incident): without it, a scan of the whole table each time.
    index('message_duties_incident').on(t.incidentId),
    // What a person owes now, for their App Home.
    index('message_duties_owed').on(t.ownerId).where(sql`settled_at is null`),
  ],
);

/**
 * A form answered and waiting for its confirmation (closing a report at triage): kept here, not in
 * the confirmation dialog, so that nothing typed is lost and the dialog's metadata stays small.
 */
export const pendingConfirmations = sqliteTable('pending_confirmations', {
  /** The answered form's view id. */
  key: text('key').primaryKey(),
  userId: text('user_id').notNull(),
  payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: time('created_at').notNull(),
});

/** Monthly reports sent, one row per period, so each month's report goes out once. */
export const periodicReports = sqliteTable('periodic_reports', {
  period: text('period').primaryKey(),
  sentAt: time('sent_at').notNull(),
  /** Seed 000 Rep.4.4: the Managing Director acknowledges the briefing (who, when). */
  acknowledgedBy: text('acknowledged_by'),
  acknowledgedAt: time('acknowledged_at'),
  /**
   * Seed 000 Rep.4.4: the Management Representative's recommendations, written before the briefing
   * goes (who, when); `sentAt` is when the month's briefing fell due and they were asked.
   */
  recommendations: text('recommendations'),
  recommendedBy: text('recommended_by'),
  recommendedAt: time('recommended_at'),
  /** When the briefing was queued for the Managing Director: with the recommendations, or after the wait without them. */
  releasedAt: time('released_at'),
});

/**
 * Where the keyed audit chain starts. Events up to `legacy_through` were hashed with the public
 * formula before Vigil had an audit key (recorded once, by the migration that introduced the key);
 * every later event is keyed, and the first of them chains onto the last public one.
 */
export const auditChain = sqliteTable('audit_chain', {
  id: integer('id').primaryKey(),
  legacyThrough: integer('legacy_through').notNull(),
});

/**
 * Checkpoints of the audit chain's head, also appended to the checkpoint file and posted in the
 * security channel; these copies only schedule and render them (verify reads the outside copies).
 */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: time('at').notNull(),
  eventCount: integer('event_count').notNull(),
  lastEventId: integer('last_event_id').notNull(),
  headHash: text('head_hash').notNull(),
  /** HMAC with the audit key over the other fields: a checkpoint line cannot be forged without it. */
  mac: text('mac').notNull(),
  reason: text('reason').notNull(),
});

/** The security channel's one long-lived thread of audit checkpoints: its parent message. */
export const auditCheckpointThread = sqliteTable('audit_checkpoint_thread', {
  channelId: text('channel_id').primaryKey(),
  ts: text('ts').notNull(),
});

/**
 * Signatures of Slack requests already accepted, kept for Slack's 5-minute window so a replayed
 * request is answered once; shared by every process serving this database and kept across a restart.
 */
export const seenRequests = sqliteTable(
  'seen_requests',
  {
    signature: text('signature').primaryKey(),
    expiresAt: time('expires_at').notNull(),
  },
  (t) => [index('seen_requests_expiry').on(t.expiresAt)],
);

/**
 * Who is in the security channel (the security team), as Vigil last learnt it: refreshed from
 * Slack at start and kept up to date by member_joined_channel / member_left_channel events, so a
 * click's permission is decided from here, never from a Slack call on the click's path.
 */
export const channelMembers = sqliteTable(
  'channel_members',
  {
    channelId: text('channel_id').notNull(),
    userId: text('user_id').notNull(),
    since: time('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.userId] })],
);

/** Whom a report may be about, so that it goes past the people it concerns (seed 000 Rep.1). */
export type Concern = 'own_head' | 'security_team';

export type Incident = typeof incidents.$inferSelect;
export type NewIncident = typeof incidents.$inferInsert;
export type IncidentEvent = typeof incidentEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
/** Report questions whose "Not sure" counts as a possibility (seed 003 §5.7). */
export type NotSureFact = 'personalData' | 'customersOrStaffAffected';
export type Action = typeof actions.$inferSelect;

/**
 * Statuses that still stand between an incident and closure: work to do, or a "won't do" that the
 * IRM or SIRO has not accepted yet (seed 003 §5.11: actions done or accepted).
 */
export const UNSETTLED_ACTION_STATUSES = [
  'open',
  'not_doing_proposed',
] as const satisfies readonly Action['status'][];

export const isUnsettled = (a: Pick<Action, 'status'>): boolean =>
  (UNSETTLED_ACTION_STATUSES as readonly string[]).includes(a.status);
export type Review = typeof reviews.$inferSelect;
export type Evidence = typeof evidence.$inferSelect;
export type DutyMessage = typeof dutyMessages.$inferSelect;
export type MessageDuty = typeof messageDuties.$inferSelect;
export type Severity = NonNullable<Incident['severity']>;
export type IncidentKind = Incident['kind'];
export type IncidentStatus = Incident['status'];
