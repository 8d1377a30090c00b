/**
 * Wire format of request entries and replies, and parsers for the Redis stream replies we use.
 * WARNING: field names are wire format shared by every client and replica version in flight;
 * rename only with a migration.
 */
export const RequestField = {
  Id: 'id',
  Pattern: 'pattern',
  Data: 'data',
  Deadline: 'deadline',
  EnqueuedAt: 'enqueuedAt',
  ReplyTo: 'replyTo',
} as const;

export interface RequestEnvelope {
  /** Correlation id chosen by the client. */
  id: string;
  /** Normalized Nest pattern (string route). */
  pattern: string;
  /** JSON of the payload. */
  data: string;
  /** Epoch ms; absent for events, which never expire. */
  deadline?: number;
  enqueuedAt: number;
  /** Reply channel; absent for events (emit). */
  replyTo?: string;
}

export interface StreamEntry {
  id: string;
  /** Flat `[field, value, ...]`; null when the entry was deleted while pending. */
  fields: string[] | null;
}

export interface PendingInfo {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** What a server publishes on the client's reply channel (Nest's WritePacket plus the id). */
export interface ReplyPacket {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

export const encodeRequest = (request: RequestEnvelope): string[] => {
  const fields: string[] = [RequestField.Id, request.id, RequestField.Pattern, request.pattern, RequestField.Data, request.data];
  if (request.deadline !== undefined) fields.push(RequestField.Deadline, String(request.deadline));
  fields.push(RequestField.EnqueuedAt, String(request.enqueuedAt));
  if (request.replyTo !== undefined) fields.push(RequestField.ReplyTo, request.replyTo);
  return fields;
};

export const fieldsToRecord = (fields: readonly string[]): Record<string, string> => {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
};

const toInt = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

/** Returns undefined for entries this transport did not write (they are dead-lettered). */
export const decodeRequest = (fields: readonly string[] | null): RequestEnvelope | undefined => {
  if (!fields) return undefined;
  const record = fieldsToRecord(fields);
  const pattern = record[RequestField.Pattern];
  const data = record[RequestField.Data];
  const id = record[RequestField.Id];
  if (!pattern || data === undefined || !id) return undefined;
  return {
    id,
    pattern,
    data,
    deadline: toInt(record[RequestField.Deadline]),
    enqueuedAt: toInt(record[RequestField.EnqueuedAt]) ?? 0,
    replyTo: record[RequestField.ReplyTo] || undefined,
  };
};

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export const parseStreamEntries = (raw: unknown): StreamEntry[] => {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    entries.push({ id: item[0], fields: isStringArray(item[1]) ? item[1] : null });
  }
  return entries;
};

/**
 * XREADGROUP reply, null when nothing was read. RESP2 gives `[[key, entries], ...]`; RESP3 gives a
 * map, which ioredis' `call()` flattens to `[key, entries, key, entries]` (or an object with
 * `replyMapping: 'resp3'`). All three shapes are accepted.
 */
export const parseReadReply = (raw: unknown): { key: string; entries: StreamEntry[] }[] => {
  if (raw === null || typeof raw !== 'object') return [];
  if (!Array.isArray(raw)) return Object.entries(raw).map(([key, entries]) => ({ key, entries: parseStreamEntries(entries) }));
  const streams: { key: string; entries: StreamEntry[] }[] = [];
  if (typeof raw[0] === 'string') {
    for (let i = 0; i + 1 < raw.length; i += 2) if (typeof raw[i] === 'string') streams.push({ key: raw[i], entries: parseStreamEntries(raw[i + 1]) });
    return streams;
  }
  for (const item of raw) if (Array.isArray(item) && typeof item[0] === 'string') streams.push({ key: item[0], entries: parseStreamEntries(item[1]) });
  return streams;
};

/** XAUTOCLAIM reply (Redis ≥ 7): `[nextCursor, entries, deletedIds]`. */
export const parseAutoClaimReply = (raw: unknown): { cursor: string; entries: StreamEntry[]; deletedIds: string[] } => {
  if (!Array.isArray(raw)) return { cursor: '0-0', entries: [], deletedIds: [] };
  return {
    cursor: typeof raw[0] === 'string' ? raw[0] : '0-0',
    entries: parseStreamEntries(raw[1]),
    deletedIds: isStringArray(raw[2]) ? raw[2] : [],
  };
};

/** XPENDING extended form: `[[id, consumer, idleMs, deliveries], ...]`. */
export const parsePendingReply = (raw: unknown): PendingInfo[] => {
  if (!Array.isArray(raw)) return [];
  const rows: PendingInfo[] = [];
  for (const row of raw) {
    if (!Array.isArray(row) || typeof row[0] !== 'string') continue;
    rows.push({ id: row[0], consumer: String(row[1]), idleMs: Number(row[2]), deliveries: Number(row[3]) });
  }
  return rows;
};

/** Replies are JSON; anything else on the channel is not ours and is ignored. */
export const parseReply = (message: string): ReplyPacket | undefined => {
  try {
    const value: unknown = JSON.parse(message);
    if (typeof value !== 'object' || value === null) return undefined;
    const packet = value as Partial<ReplyPacket>;
    return typeof packet.id === 'string' ? (packet as ReplyPacket) : undefined;
  } catch {
    return undefined;
  }
};

/** Error objects do not survive JSON.stringify; keep their name and message. */
export const toSerializableError = (err: unknown): unknown =>
  err instanceof Error ? { name: err.name, message: err.message, ...(err as unknown as Record<string, unknown>) } : err;
