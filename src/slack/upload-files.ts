import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from '@slack/web-api';

const UPLOAD_TIMEOUT_MS = 120_000;

/**
 * A private temporary directory for files on their way to Slack, removed afterwards whatever
 * happens, so a register export never lingers on the server's disk.
 */
export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-upload-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams a file to the upload URL Slack gave for it: the file is never read into memory whole. */
async function postFile(url: string, path: string, length: number): Promise<void> {
  const target = new URL(url);
  const request = (target.protocol === 'https:' ? https : http).request(target, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': length },
  });
  request.setTimeout(UPLOAD_TIMEOUT_MS, () => request.destroy(new Error('upload timed out')));
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  // The pipeline reports a failed request; this only keeps the second report from going unhandled.
  answered.catch(() => undefined);
  await pipeline(createReadStream(path), request);
  const response = await answered;
  response.resume();
  if (response.statusCode !== 200) throw new Error(`file upload answered HTTP ${response.statusCode}`);
}

/**
 * Uploads files into a person's DM with the app (files.getUploadURLExternal, the bytes streamed
 * from disk, files.completeUploadExternal), as filesUploadV2 does but without holding them in memory.
 */
export async function uploadFilesToDm(
  client: WebClient,
  userId: string,
  files: [{ path: string; name: string }, ...{ path: string; name: string }[]],
  comment: string,
): Promise<void> {
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('no DM channel');
  const uploaded: { id: string; title: string }[] = [];
  for (const file of files) {
    const { size } = await stat(file.path);
    const slot = await client.files.getUploadURLExternal({ filename: file.name, length: size });
    if (!slot.upload_url || !slot.file_id) throw new Error('files.getUploadURLExternal gave no upload URL');
    await postFile(slot.upload_url, file.path, size);
    uploaded.push({ id: slot.file_id, title: file.name });
  }
  const [first, ...rest] = uploaded;
  if (!first) return;
  await client.files.completeUploadExternal({
    files: [first, ...rest],
    channel_id: channel,
    initial_comment: comment,
  });
}
