/** What the page may ask of the sandbox server, checked before anything is sent to Vigil. */
import { z } from 'zod';
import type { Act, Advance } from './protocol';

const id = z.string().min(1).max(255);
const answer = z.union([z.string().max(100_000), z.number(), z.null()]);
const answers = z.record(id, answer);
const surface = z.union([z.object({ conversation: id, ts: id }), z.object({ viewId: id })]);

const act = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), conversation: id, text: z.string().min(1).max(4000) }),
  z.object({
    type: z.literal('post'),
    conversation: id,
    text: z.string().min(1).max(4000),
    threadTs: id.optional(),
  }),
  z.object({
    type: z.literal('click'),
    surface,
    blockId: id,
    actionId: id,
    option: z.string().max(2000).optional(),
    user: id.optional(),
    answers: answers.optional(),
  }),
  z.object({ type: z.literal('submit'), viewId: id, answers }),
  z.object({ type: z.literal('close'), viewId: id, all: z.boolean() }),
  z.object({ type: z.literal('home') }),
  z.object({ type: z.literal('shortcut'), callbackId: id }),
  z.object({ type: z.literal('messageShortcut'), conversation: id, ts: id, callbackId: id }),
]) satisfies z.ZodType<Act>;

export const actRequest = z.object({ as: id, act });
export const advanceRequest = z.object({
  jump: z.enum(['hour', 'day', 'workday', 'month']) satisfies z.ZodType<Advance>,
});
export const tourRequest = z.object({ index: z.number().int().min(0).max(100) });
export const resetRequest = z.object({});
