/** What a target's listing says about one object. */
export interface RemoteObject {
  /** Key relative to the target's prefix (the manifest path). */
  path: string;
  /** Size in bytes. */
  size: number;
  /** The ETag without quotes, when the target has one (S3: the MD5 of a single-part object). */
  etag?: string;
  /** When the object was last written, in ms since the epoch (orders releases for prune). */
  modified?: number;
}

/** What a HEAD says about one object. */
export interface RemoteHead {
  size: number;
  etag?: string;
  /** The SHA-256 Skewless stored with the object (metadata `sha256`), when present. */
  sha256?: string;
  /**
   * The server says the ETag is the MD5 of the stored bytes (S3: single part, no SSE-KMS or SSE-C), so
   * an ETag other than the local MD5 means other bytes, whatever the metadata claims.
   */
  etagIsMd5?: boolean;
  /**
   * When Skewless wrote it, in ms since the epoch (metadata `uploaded`; a file's mtime). Finer than a
   * listing's LastModified, which S3 gives to the second: it orders releases for prune.
   */
  uploaded?: number;
  /** When the server last wrote it, by the server's clock (LastModified; a file's mtime), in ms. */
  modified?: number;
}

/** One object to delete, with the ETag it was listed with when known (a conditional delete). */
export interface RemoveRequest {
  path: string;
  etag?: string;
}

/** One object to write. */
export interface PutRequest {
  /** Path relative to the target's prefix. */
  path: string;
  /** Absolute path of the local file: a request without `body` re-reads it on every attempt. */
  file: string;
  /**
   * The bytes that were hashed, for files up to 1 MiB (larger ones stay on disk and have none). A target
   * sends these instead of reading `file` again: one read a file, and the stored sha256 describes the
   * very bytes stored even if the file changes meanwhile. A Buffer can be sent again on a retry, unlike
   * a stream.
   */
  body?: Buffer;
  bytes: number;
  sha256: string;
  /**
   * MD5 (hex) of the bytes to send: sent as Content-MD5, so the server refuses bytes damaged on the way
   * (400 BadDigest, retried) instead of storing them.
   */
  md5?: string;
  contentType: string;
  cacheControl: string;
  release: string;
  /** Write only when no object exists under the key (`If-None-Match: *`). */
  ifNoneMatch: boolean;
  /** Told the bytes sent so far of a large (multipart) body, for progress displays. */
  onBytes?: (sent: number) => void;
  /** How many times it was sent so far (counted by the retrying wrapper): above 1, a reply was lost. */
  attempts?: number;
  /**
   * How many of those sends the server refused without writing anything (409 ConditionalRequestConflict:
   * another conditional write to the key was in flight), so they are no lost reply of ours.
   */
  refused?: number;
  /**
   * Set by a target that sent the file in parts, once the server's ETag matched: the multipart ETag of the
   * parts as they were read to send. The verifying listing compares with it instead of reading the file
   * once more.
   */
  sentMultipartEtag?: string;
  /**
   * Not read before this request, so `md5` is unknown: set only when {@link Target.checksWhileSending}
   * said so for the file's size. The target hashes the bytes as it reads them to send, and refuses
   * (`INVALID_MANIFEST`, nothing visible under the key) bytes whose SHA-256 is not `sha256`.
   */
  unread?: boolean;
}

/** The outcome of a write: `exists` when a conditional write found the key taken (HTTP 412). */
export type PutOutcome = 'written' | 'exists';

/** A multipart upload the server holds open: parts stored, never completed nor aborted. */
export interface IncompleteUpload {
  /** The manifest path it was writing (the key without the target's prefix). */
  path: string;
  uploadId: string;
  /** When the server says it was started. */
  initiated?: number;
}

/**
 * A place to upload to. Keys are manifest paths; the target adds its own prefix. Implementations throw
 * errors carrying `retryable: true` for failures worth another attempt.
 */
export interface Target {
  /** `s3://bucket/prefix` or `file:///dir`, for messages. */
  readonly url: string;
  /** The key a manifest path is written to, as the user sees it (S3: with the prefix). */
  key(path: string): string;
  /**
   * Every object below the prefix, in key order. A missing prefix lists as empty. `expected`: paths the
   * prefix is expected to hold (a manifest's), which a target may use to list key ranges at once; the
   * listing holds every object all the same, expected or not.
   */
  list(expected?: readonly string[]): Promise<Map<string, RemoteObject>>;
  /** One object's size, ETag and stored sha256, or undefined when absent. */
  head(path: string): Promise<RemoteHead | undefined>;
  put(request: PutRequest): Promise<PutOutcome>;
  /**
   * Whether a file of `bytes` is sent so that its bytes can still be refused after they were read and
   * before the object becomes visible (S3: in parts, checked before CompleteMultipartUpload): such a
   * file need not be read once to check it and again to send it (see `PutRequest.unread`).
   */
  checksWhileSending?(bytes: number): boolean;
  /** Write a small document (the release manifest) that is not a file of the build. */
  putText(path: string, body: string, contentType: string, cacheControl: string): Promise<void>;
  /** A small text object (a release manifest), or undefined when absent. */
  readText(path: string): Promise<string | undefined>;
  /** Delete one object; an absent one is not an error. */
  remove(path: string): Promise<void>;
  /**
   * Delete objects in as few requests as the target allows (S3: DeleteObjects, up to 1,000 keys each).
   * Where the server supports it, an object whose ETag is given is deleted only if it still has that
   * ETag, so an object written again since the listing survives. Absent objects are not an error.
   * Resolves to the paths such a condition kept (not deleted).
   */
  removeMany(objects: readonly RemoveRequest[]): Promise<string[]>;
  /**
   * Multipart uploads left open below the prefix (S3: ListMultipartUploads). Absent on targets that
   * have no multipart uploads (file://).
   */
  incompleteUploads?(): Promise<IncompleteUpload[]>;
  /** Abort one, so the server frees its parts; an upload already gone is not an error. */
  abortUpload?(upload: IncompleteUpload): Promise<void>;
  /**
   * Abort every multipart upload this target has in flight (an interrupted command), and refuse new
   * ones. Resolves when the server was asked to free their parts.
   */
  abortInFlight?(): Promise<number>;
  /** Release sockets and clients. */
  close(): Promise<void>;
}

/** The most keys one DeleteObjects request takes; prune also checks its lease between such batches. */
export const DELETE_BATCH = 1000;
