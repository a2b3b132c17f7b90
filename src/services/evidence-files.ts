import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { EvidenceFile } from '../domain/evidence';

/** Slack's file ids; anything else is refused before Slack is asked. */
const FILE_ID = /^F[A-Z0-9]{2,30}$/;

export class EvidenceFileError extends Error {}

/**
 * Reads a file Slack holds (files.info, `files:read`), downloads it with the bot token and hashes
 * it as it streams: Vigil records its SHA-256 and size, and keeps no copy (Slack keeps the file).
 * The file id is the client's word: Slack is asked, and refuses a file the bot cannot see.
 */
export async function hashSlackFile(
  client: WebClient,
  botToken: string,
  fileId: string,
): Promise<EvidenceFile> {
  if (!FILE_ID.test(fileId)) throw new EvidenceFileError('That is not a Slack file.');
  const info = await client.files.info({ file: fileId }).catch((err: unknown) => {
    throw new EvidenceFileError(
      `Slack would not give that file to Vigil (${err instanceof Error ? err.message : String(err)}).`,
    );
  });
  const file = info.file;
  const url = file?.url_private_download ?? file?.url_private;
  if (!file || !url) throw new EvidenceFileError('Slack gave no way to download that file.');
  const res = await fetch(url, { headers: { Authorization: `Bearer ${botToken}` }, redirect: 'error' });
  if (!res.ok || !res.body)
    throw new EvidenceFileError(`Slack answered ${res.status} to the file's download.`);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return {
    fileId,
    name: file.name ?? file.title ?? fileId,
    mimetype: file.mimetype ?? null,
    size,
    sha256: hash.digest('hex'),
    permalink: file.permalink ?? null,
  };
}

/** Each file of a list, hashed one after another (a form holds at most ten). */
export async function hashSlackFiles(
  client: WebClient,
  botToken: string,
  fileIds: string[],
): Promise<EvidenceFile[]> {
  const out: EvidenceFile[] = [];
  for (const id of [...new Set(fileIds)]) out.push(await hashSlackFile(client, botToken, id));
  return out;
}
