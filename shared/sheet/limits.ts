/**
 * The limits on a returned 進捗管理シート: enforced by the checks in guards.ts, printed on the form
 * page (form-section.ts) and applied to the upload body before it is parsed (functions/report-sheet).
 * Pure: no I/O, no AWS.
 */

/** The limits, documented for the README: a real sheet is 15–100 KB with about 15 parts. */
export const sheetLimits = {
  /**
   * Largest accepted file. Lambda takes at most 6 MB per request and API Gateway sends an upload as
   * base64 inside a multipart body, so 4 MB is what reliably fits through every way in.
   */
  maxFileBytes: 4 * 1024 * 1024,
  /** Most parts (files) in the package. */
  maxEntries: 300,
  /** Largest total of the inflated parts. */
  maxUncompressedBytes: 25 * 1024 * 1024,
  /** Largest inflate ratio of one part … */
  maxRatio: 100,
  /** … checked once the part is bigger than this (tiny parts compress well and cannot hurt). */
  ratioCheckFromBytes: 100 * 1024,
} as const;
